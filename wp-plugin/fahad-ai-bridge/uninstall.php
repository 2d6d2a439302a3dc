<?php
/**
 * Removes the plugin's options when it is deleted from the Plugins screen.
 *
 * @package FahadAiBridge
 */

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
	exit;
}

require_once __DIR__ . '/includes/class-fahad-ai-settings.php';

foreach ( array_keys( Fahad_AI_Settings::defaults() ) as $fahad_ai_option ) {
	delete_option( Fahad_AI_Settings::PREFIX . $fahad_ai_option );
	delete_site_option( Fahad_AI_Settings::PREFIX . $fahad_ai_option );
}
