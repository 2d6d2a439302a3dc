<?php
/**
 * The admin copilot in wp-admin (WooCommerce > Copilot, or Dashboard > Copilot without
 * WooCommerce): the inbox, insights, store figures and the apps' API keys
 * (assets/admin-kit.js, then a script per
 * tab) reading and answering through the /admin/* routes with the user's nonce.
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
	 * The page's scripts in load order, each needing the one before: the kit, then one per
	 * tab (admin_copilot/page.py loads the same for the standalone page).
	 */
	const SCRIPTS = array(
		'fahad-ai-admin-kit'      => 'admin-kit.js',
		'fahad-ai-admin-inbox'    => 'admin-inbox.js',
		'fahad-ai-admin-insights' => 'admin-insights.js',
		self::HANDLE              => 'admin-copilot.js',
		'fahad-ai-admin-webhooks' => 'admin-webhooks.js',
		'fahad-ai-admin-apikeys'  => 'admin-apikeys.js',
	);

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
		$previous = array();
		foreach ( self::SCRIPTS as $handle => $file ) {
			wp_enqueue_script( $handle, $base . $file, $previous, FAHAD_AI_BRIDGE_VERSION, true );
			$previous = array( $handle );
		}
		$config = array(
			'restUrl'   => esc_url_raw( rest_url( Fahad_AI_Routes::NAMESPACE . '/' ) ),
			'auth'      => 'nonce',
			'nonce'     => wp_create_nonce( 'wp_rest' ),
			'storeName' => get_bloginfo( 'name' ),
			// Replies from the inbox are signed with the manager's own name.
			'userName'  => wp_get_current_user()->display_name,
		);
		wp_add_inline_script( 'fahad-ai-admin-kit', 'window.fahadAiAdmin = ' . wp_json_encode( $config, JSON_HEX_TAG | JSON_HEX_AMP | JSON_UNESCAPED_SLASHES ) . ';', 'before' );
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
		echo '<p class="fahad-admin-muted">' . esc_html__( "Your shoppers' conversations, and figures from your store: the store itself is only read.", 'fahad-ai-bridge' ) . '</p></header>';
		echo '<noscript><p>' . esc_html__( 'This page needs JavaScript to fetch your store\'s figures.', 'fahad-ai-bridge' ) . '</p></noscript>';
		echo '</div></div>';
	}
}
