<?php
/**
 * The admin copilot in wp-admin (WooCommerce > Copilot, or Dashboard > Copilot without
 * WooCommerce): assets/admin-copilot.js reading the /admin/* routes with the user's nonce.
 *
 * @package FahadAiBridge
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Registers the page and its assets.
 */
final class Fahad_AI_Copilot {

	const PAGE   = 'fahad-ai-copilot';
	const HANDLE = 'fahad-ai-admin-copilot';

	/**
	 * Registers the admin hooks.
	 */
	public static function hook(): void {
		add_action( 'admin_menu', array( __CLASS__, 'menu' ), 60 );
		add_action( 'admin_enqueue_scripts', array( __CLASS__, 'enqueue' ) );
	}

	/**
	 * Adds the page for users who may manage the shop.
	 */
	public static function menu(): void {
		$parent = class_exists( 'WooCommerce' ) ? 'woocommerce' : 'index.php';
		add_submenu_page(
			$parent,
			__( 'Shop copilot', 'fahad-ai-bridge' ),
			__( 'Copilot', 'fahad-ai-bridge' ),
			'manage_woocommerce',
			self::PAGE,
			array( __CLASS__, 'render' )
		);
	}

	/**
	 * Enqueues the copilot's script and style on its own page only.
	 *
	 * @param string $hook_suffix The current admin page.
	 */
	public static function enqueue( $hook_suffix ): void {
		if ( ! is_string( $hook_suffix ) || ! str_ends_with( $hook_suffix, '_page_' . self::PAGE ) || ! current_user_can( 'manage_woocommerce' ) ) {
			return;
		}
		$base = plugins_url( 'assets/', FAHAD_AI_BRIDGE_FILE );
		wp_enqueue_style( self::HANDLE, $base . 'admin-copilot.css', array(), FAHAD_AI_BRIDGE_VERSION );
		wp_enqueue_script( self::HANDLE, $base . 'admin-copilot.js', array(), FAHAD_AI_BRIDGE_VERSION, true );
		$config = array(
			'restUrl'   => esc_url_raw( rest_url( Fahad_AI_Routes::NAMESPACE . '/' ) ),
			'auth'      => 'nonce',
			'nonce'     => wp_create_nonce( 'wp_rest' ),
			'storeName' => get_bloginfo( 'name' ),
		);
		wp_add_inline_script( self::HANDLE, 'window.fahadAiAdmin = ' . wp_json_encode( $config, JSON_HEX_TAG | JSON_HEX_AMP | JSON_UNESCAPED_SLASHES ) . ';', 'before' );
	}

	/**
	 * Prints the page's frame; the script fills it.
	 */
	public static function render(): void {
		if ( ! current_user_can( 'manage_woocommerce' ) ) {
			return;
		}
		echo '<div class="wrap"><div id="fahad-ai-admin" class="fahad-admin" data-state="locked">';
		echo '<header class="fahad-admin-header"><h1>' . esc_html( get_bloginfo( 'name' ) ) . ' <span>' . esc_html__( 'copilot', 'fahad-ai-bridge' ) . '</span></h1>';
		echo '<p class="fahad-admin-muted">' . esc_html__( 'Read only: figures from your store, drafts for you to edit and post yourself.', 'fahad-ai-bridge' ) . '</p></header>';
		echo '<noscript><p>' . esc_html__( 'This page needs JavaScript to fetch your store\'s figures.', 'fahad-ai-bridge' ) . '</p></noscript>';
		echo '</div></div>';
	}
}
