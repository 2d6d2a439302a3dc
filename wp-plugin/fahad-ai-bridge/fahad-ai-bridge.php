<?php
/**
 * Plugin Name:       fahad-ai Bridge
 * Plugin URI:        https://github.com/fahad-ai/bridge
 * Description:       An AI shopping assistant for your store: a chat widget on the storefront, with every fahad-ai/v1 route forwarded to the fahad-ai bridge with WordPress's own checks.
 * Version:           0.1.0
 * Requires at least: 6.0
 * Requires PHP:      8.0
 * Author:            fahad-ai
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       fahad-ai-bridge
 * Domain Path:       /languages
 *
 * @package FahadAiBridge
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

define( 'FAHAD_AI_BRIDGE_VERSION', '0.1.0' );
define( 'FAHAD_AI_BRIDGE_FILE', __FILE__ );
define( 'FAHAD_AI_BRIDGE_DIR', plugin_dir_path( __FILE__ ) );

require_once FAHAD_AI_BRIDGE_DIR . 'includes/class-fahad-ai-signer.php';
require_once FAHAD_AI_BRIDGE_DIR . 'includes/class-fahad-ai-settings.php';
require_once FAHAD_AI_BRIDGE_DIR . 'includes/class-fahad-ai-context.php';
require_once FAHAD_AI_BRIDGE_DIR . 'includes/class-fahad-ai-proxy.php';
require_once FAHAD_AI_BRIDGE_DIR . 'includes/class-fahad-ai-token.php';
require_once FAHAD_AI_BRIDGE_DIR . 'includes/class-fahad-ai-routes.php';
require_once FAHAD_AI_BRIDGE_DIR . 'includes/class-fahad-ai-widget.php';
require_once FAHAD_AI_BRIDGE_DIR . 'includes/class-fahad-ai-copilot.php';
require_once FAHAD_AI_BRIDGE_DIR . 'includes/class-fahad-ai-notify.php';

add_action(
	'init',
	static function () {
		load_plugin_textdomain( 'fahad-ai-bridge', false, dirname( plugin_basename( FAHAD_AI_BRIDGE_FILE ) ) . '/languages' );
	}
);
add_action( 'rest_api_init', array( 'Fahad_AI_Routes', 'register' ) );
add_action( 'rest_api_init', array( 'Fahad_AI_Notify', 'register' ) );
// Late: core sends its CORS headers on this filter too, and they must go out before the body.
add_filter( 'rest_pre_serve_request', array( 'Fahad_AI_Proxy', 'serve_raw' ), 1000, 4 );
Fahad_AI_Settings::hook();
Fahad_AI_Widget::hook();
Fahad_AI_Copilot::hook();
register_activation_hook( __FILE__, array( 'Fahad_AI_Settings', 'activate' ) );
