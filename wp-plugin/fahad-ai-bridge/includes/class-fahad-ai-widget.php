<?php
/**
 * The chat widget on the storefront: its script, style and configuration.
 *
 * @package FahadAiBridge
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Enqueues assets/chat-widget.js and .css with window.fahadAiChatbot.
 */
final class Fahad_AI_Widget {

	const HANDLE = 'fahad-ai-chat-widget';

	/**
	 * Registers the front-end hook.
	 */
	public static function hook(): void {
		add_action( 'wp_enqueue_scripts', array( __CLASS__, 'enqueue' ) );
	}

	/**
	 * Whether the widget belongs on this page: switched on, set up, not the admin.
	 */
	public static function wanted(): bool {
		$wanted = Fahad_AI_Settings::enabled() && '' !== Fahad_AI_Settings::bridge_url() && '' !== Fahad_AI_Settings::secret() && ! is_admin();
		return (bool) apply_filters( 'fahad_ai_show_widget', $wanted );
	}

	/**
	 * The configuration the script reads.
	 *
	 * @return array
	 */
	public static function config(): array {
		$nonce  = wp_create_nonce( 'wp_rest' );
		$config = array(
			'restUrl'  => esc_url_raw( rest_url( Fahad_AI_Routes::NAMESPACE . '/' ) ),
			'nonce'    => $nonce,
			'name'     => (string) Fahad_AI_Settings::get( 'widget_name' ),
			'greeting' => (string) Fahad_AI_Settings::get( 'greeting' ),
			'color'    => (string) Fahad_AI_Settings::get( 'color' ),
			'strings'  => self::strings(),
		);
		if ( '' !== Fahad_AI_Settings::direct_url() ) {
			// Turns stream straight from the bridge. Only a signed-in shopper's page carries a
			// token: a full-page cache could hand a guest's page (their ids) to another guest, so a
			// guest's token comes with WordPress's answers instead, never in cacheable HTML.
			$config['direct'] = array(
				'url'   => esc_url_raw( Fahad_AI_Settings::direct_url() . '/wp-json/' . Fahad_AI_Routes::NAMESPACE . '/' ),
				'token' => is_user_logged_in() ? Fahad_AI_Token::mint( $nonce ) : '',
			);
		}
		if ( function_exists( 'wc_get_checkout_url' ) ) {
			$config['checkoutUrl'] = esc_url_raw( wc_get_checkout_url() );
		}
		// On a product page the widget knows the product: "is it in stock?" means this one.
		if ( function_exists( 'is_product' ) && is_product() ) {
			$config['product'] = array(
				'id'   => (int) get_queried_object_id(),
				'name' => wp_strip_all_tags( get_the_title( get_queried_object_id() ) ),
			);
		}
		return (array) apply_filters( 'fahad_ai_widget_config', $config );
	}

	/**
	 * The widget's words in the site's language (keys of TEXT in chat-widget.js).
	 *
	 * @return array<string, string>
	 */
	public static function strings(): array {
		return array(
			'close'        => __( 'Close chat', 'fahad-ai-bridge' ),
			'viewCart'     => __( 'View cart', 'fahad-ai-bridge' ),
			'hideCart'     => __( 'Hide cart', 'fahad-ai-bridge' ),
			'placeholder'  => __( 'Ask about products…', 'fahad-ai-bridge' ),
			'send'         => __( 'Send message', 'fahad-ai-bridge' ),
			'disclaimer'   => __( 'AI assistant: answers may contain mistakes.', 'fahad-ai-bridge' ),
			'rateLimited'  => __( "You're sending messages quickly — please wait a moment.", 'fahad-ai-bridge' ),
			'paused'       => __( 'The assistant is taking a break right now. Please try again later.', 'fahad-ai-bridge' ),
			'expired'      => __( 'Your session expired — please reload the page.', 'fahad-ai-bridge' ),
			'network'      => __( "We couldn't reach the assistant. Check your connection and try again.", 'fahad-ai-bridge' ),
			'generic'      => __( 'Something went wrong. Please try again.', 'fahad-ai-bridge' ),
			'addToCart'    => __( 'Add to cart', 'fahad-ai-bridge' ),
			'outOfStock'   => __( 'Out of stock', 'fahad-ai-bridge' ),
			'inStock'      => __( 'In stock', 'fahad-ai-bridge' ),
			'added'        => __( 'Added to your cart.', 'fahad-ai-bridge' ),
			'cartTitle'    => __( 'Your cart', 'fahad-ai-bridge' ),
			'cartEmpty'    => __( 'Your cart is empty.', 'fahad-ai-bridge' ),
			'total'        => __( 'Total', 'fahad-ai-bridge' ),
			'checkout'     => __( 'Checkout', 'fahad-ai-bridge' ),
			'helpful'      => __( 'Helpful', 'fahad-ai-bridge' ),
			'notHelpful'   => __( 'Not helpful', 'fahad-ai-bridge' ),
			'thanks'       => __( 'Thanks for the feedback', 'fahad-ai-bridge' ),
			'uploadImage'  => __( 'Search by photo', 'fahad-ai-bridge' ),
			'imageResults' => __( 'Products that look like your photo:', 'fahad-ai-bridge' ),
		);
	}

	/**
	 * Enqueues the widget on the storefront.
	 */
	public static function enqueue(): void {
		if ( ! self::wanted() ) {
			return;
		}
		$base = plugins_url( 'assets/', FAHAD_AI_BRIDGE_FILE );
		wp_enqueue_style( self::HANDLE, $base . 'chat-widget.css', array(), FAHAD_AI_BRIDGE_VERSION );
		wp_enqueue_script(
			self::HANDLE,
			$base . 'chat-widget.js',
			array(),
			FAHAD_AI_BRIDGE_VERSION,
			array(
				'in_footer' => true,
				'strategy'  => 'defer',
			)
		);
		wp_add_inline_script( self::HANDLE, 'window.fahadAiChatbot = ' . wp_json_encode( self::config(), JSON_HEX_TAG | JSON_HEX_AMP | JSON_UNESCAPED_SLASHES ) . ';', 'before' );
	}
}
