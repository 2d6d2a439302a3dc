<?php
/**
 * The fahad-ai/v1 routes, each with the check only WordPress can make, forwarded to the bridge.
 *
 * @package FahadAiBridge
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * The route table: mirrors ROUTES in the bridge's bridge/routes.py (a test compares them).
 */
final class Fahad_AI_Routes {

	const NAMESPACE = 'fahad-ai/v1';

	// Gates: who may reach the bridge through WordPress.
	const STOREFRONT = 'storefront'; // a wp_rest nonce (the shopper's page)
	const ADMIN      = 'admin';      // manage_woocommerce
	const OPEN       = 'public';     // agents, WhatsApp, webhooks, doctor: the bridge checks them itself

	/**
	 * Path => [methods, gate].
	 *
	 * @return array<string, array{0: string, 1: string}>
	 */
	public static function table(): array {
		return array(
			'/message'                => array( 'POST', self::STOREFRONT ),
			'/stream'                 => array( 'POST', self::STOREFRONT ),
			'/cart'                   => array( 'POST', self::STOREFRONT ),
			'/feedback'               => array( 'POST', self::STOREFRONT ),
			'/visual-search'          => array( 'POST', self::STOREFRONT ),
			'/handoff'                => array( 'POST', self::STOREFRONT ),
			'/conversation'           => array( 'GET', self::STOREFRONT ),
			'/conversation/erase'     => array( 'POST', self::STOREFRONT ),
			'/admin/insights'         => array( 'GET', self::ADMIN ),
			'/admin/sale-candidates'  => array( 'GET', self::ADMIN ),
			'/admin/product-context'  => array( 'GET', self::ADMIN ),
			'/admin/review-drafts'    => array( 'GET', self::ADMIN ),
			'/admin/conversations'    => array( 'GET', self::ADMIN ),
			'/admin/conversation'     => array( 'GET', self::ADMIN ),
			'/admin/conversation/reply'     => array( 'POST', self::ADMIN ),
			'/admin/conversation/take-over' => array( 'POST', self::ADMIN ),
			'/admin/conversation/hand-back' => array( 'POST', self::ADMIN ),
			'/admin/conversation/resolve'   => array( 'POST', self::ADMIN ),
			'/admin/conversation/erase'     => array( 'POST', self::ADMIN ),
			'/admin/webhook-deliveries'     => array( 'GET', self::ADMIN ),
			'/admin/inbox-insights'         => array( 'GET', self::ADMIN ),
			'/agent/llms'             => array( 'GET', self::OPEN ),
			'/agent/catalog'          => array( 'GET', self::OPEN ),
			'/agent/search'           => array( 'GET', self::OPEN ),
			'/agent/product'          => array( 'GET', self::OPEN ),
			'/agent/checkout-handoff' => array( 'GET', self::OPEN ),
			'/agent/feed'             => array( 'GET', self::OPEN ),
			'/agent/mcp'              => array( 'POST', self::OPEN ),
			'/whatsapp'               => array( 'GET, POST', self::OPEN ),
			'/webhooks/woocommerce'   => array( 'POST', self::OPEN ),
			'/doctor'                 => array( 'GET', self::OPEN ),
			'/orders'                 => array( 'GET', self::STOREFRONT ),
			'/order'                  => array( 'GET', self::STOREFRONT ),
			'/addresses'              => array( 'GET', self::STOREFRONT ),
			// Apps' servers: the bridge checks their API key (and refuses a browser's).
			'/app/message'            => array( 'POST', self::OPEN ),
			'/app/stream'             => array( 'POST', self::OPEN ),
			'/app/conversations'      => array( 'GET', self::OPEN ),
			'/app/conversation'       => array( 'GET', self::OPEN ),
			'/app/orders'             => array( 'GET', self::OPEN ),
			'/app/order'              => array( 'GET', self::OPEN ),
			'/app/addresses'          => array( 'GET', self::OPEN ),
			'/app/analytics'          => array( 'GET', self::OPEN ),
			'/app/catalog'            => array( 'GET', self::OPEN ),
			'/app/search'             => array( 'GET', self::OPEN ),
			'/app/product'            => array( 'GET', self::OPEN ),
			'/app/personas'           => array( 'GET', self::OPEN ),
			'/app/handoff'            => array( 'POST', self::OPEN ),
			'/app/feedback'           => array( 'POST', self::OPEN ),
			'/app/conversation/erase' => array( 'POST', self::OPEN ),
			'/admin/api-keys'         => array( 'GET, POST', self::ADMIN ),
			'/admin/api-keys/revoke'  => array( 'POST', self::ADMIN ),
			'/admin/api-keys/customer' => array( 'POST', self::ADMIN ),
		);
	}

	/**
	 * Registers every route (on rest_api_init).
	 */
	public static function register(): void {
		foreach ( self::table() as $path => list( $methods, $gate ) ) {
			$permission = array( __CLASS__, 'allow_' . ( self::OPEN === $gate ? 'public' : $gate ) );
			$callback   = in_array( $path, array( '/stream', '/app/stream' ), true ) ? array( 'Fahad_AI_Proxy', 'stream' ) : array( 'Fahad_AI_Proxy', 'forward' );
			register_rest_route(
				self::NAMESPACE,
				$path,
				array(
					'methods'             => $methods,
					'callback'            => $callback,
					'permission_callback' => $permission,
				)
			);
		}
	}

	/**
	 * Storefront routes: the page's wp_rest nonce, for guests and signed-in shoppers alike.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return true|WP_Error
	 */
	public static function allow_storefront( WP_REST_Request $request ) {
		$nonce = $request->get_header( 'x_wp_nonce' );
		if ( null === $nonce ) {
			$nonce = $request->get_param( '_wpnonce' );
		}
		if ( is_string( $nonce ) && '' !== $nonce && wp_verify_nonce( $nonce, 'wp_rest' ) ) {
			return true;
		}
		return new WP_Error(
			'fahad_ai_invalid_nonce',
			__( 'Cookie check failed: the nonce is invalid or has expired. Reload the page and try again.', 'fahad-ai-bridge' ),
			array( 'status' => 403 )
		);
	}

	/**
	 * Admin copilot routes: shop managers and administrators.
	 *
	 * @return true|WP_Error
	 */
	public static function allow_admin() {
		if ( current_user_can( 'manage_woocommerce' ) ) {
			return true;
		}
		return new WP_Error(
			'rest_forbidden',
			__( 'Sorry, you are not allowed to do that.', 'fahad-ai-bridge' ),
			array( 'status' => rest_authorization_required_code() )
		);
	}

	/**
	 * Agents, WhatsApp and store webhooks: public here; the bridge checks their signatures.
	 */
	public static function allow_public(): bool {
		return true;
	}
}
