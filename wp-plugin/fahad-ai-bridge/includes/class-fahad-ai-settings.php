<?php
/**
 * The plugin's options and its one settings page (Settings > fahad-ai).
 *
 * @package FahadAiBridge
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Options: bridge URL, shared secret, widget name, greeting, colour, on/off, timeout.
 */
final class Fahad_AI_Settings {

	const PREFIX = 'fahad_ai_';
	const PAGE   = 'fahad-ai-bridge';
	const GROUP  = 'fahad_ai_bridge';

	/**
	 * Every option (without prefix) and its default.
	 *
	 * @return array<string, mixed>
	 */
	public static function defaults(): array {
		return array(
			'bridge_url'  => '',
			'direct_url'  => '',
			'secret'      => '',
			'widget_name' => '',
			'greeting'    => '',
			'color'       => '#2d6cdf',
			'enabled'     => '1',
			'timeout'     => 30,
		);
	}

	/**
	 * One option's value.
	 *
	 * @param string $name Option name without prefix.
	 * @return mixed
	 */
	public static function get( string $name ) {
		$defaults = self::defaults();
		return get_option( self::PREFIX . $name, $defaults[ $name ] ?? '' );
	}

	/**
	 * The bridge's base URL without a trailing slash, or '' when unset.
	 */
	public static function bridge_url(): string {
		return untrailingslashit( (string) self::get( 'bridge_url' ) );
	}

	/**
	 * The bridge's base URL as shoppers' browsers reach it (for streaming turns straight from
	 * the bridge), or '' to send every turn through WordPress.
	 */
	public static function direct_url(): string {
		return untrailingslashit( (string) self::get( 'direct_url' ) );
	}

	/**
	 * The shared secret: the FAHAD_AI_BRIDGE_SECRET constant (wp-config.php) wins over the option.
	 */
	public static function secret(): string {
		if ( defined( 'FAHAD_AI_BRIDGE_SECRET' ) && is_string( FAHAD_AI_BRIDGE_SECRET ) && '' !== FAHAD_AI_BRIDGE_SECRET ) {
			return FAHAD_AI_BRIDGE_SECRET;
		}
		return (string) self::get( 'secret' );
	}

	/**
	 * Seconds before a forwarded request is abandoned.
	 */
	public static function timeout(): int {
		return max( 1, min( 300, (int) self::get( 'timeout' ) ) );
	}

	/**
	 * Whether the chat widget is switched on.
	 */
	public static function enabled(): bool {
		return '1' === (string) self::get( 'enabled' );
	}

	/**
	 * Adds the options with their defaults, never overwriting saved ones.
	 */
	public static function activate(): void {
		foreach ( self::defaults() as $name => $value ) {
			// Not autoloaded: the secret has no business in every page's option cache.
			add_option( self::PREFIX . $name, $value, '', 'secret' === $name ? false : true );
		}
	}

	/**
	 * Registers the admin hooks.
	 */
	public static function hook(): void {
		add_action( 'admin_init', array( __CLASS__, 'register' ) );
		add_action( 'admin_menu', array( __CLASS__, 'menu' ) );
		add_filter( 'plugin_action_links_' . plugin_basename( FAHAD_AI_BRIDGE_FILE ), array( __CLASS__, 'action_links' ) );
	}

	/**
	 * Adds the settings link on the Plugins screen.
	 *
	 * @param array $links Existing links.
	 * @return array
	 */
	public static function action_links( array $links ): array {
		$url = admin_url( 'options-general.php?page=' . self::PAGE );
		array_unshift( $links, '<a href="' . esc_url( $url ) . '">' . esc_html__( 'Settings', 'fahad-ai-bridge' ) . '</a>' );
		return $links;
	}

	/**
	 * Adds the page under Settings.
	 */
	public static function menu(): void {
		add_options_page(
			__( 'fahad-ai assistant', 'fahad-ai-bridge' ),
			__( 'fahad-ai', 'fahad-ai-bridge' ),
			'manage_options',
			self::PAGE,
			array( __CLASS__, 'render' )
		);
	}

	/**
	 * Registers the options with their sanitizers, and the fields.
	 */
	public static function register(): void {
		$sanitizers = array(
			'bridge_url'  => array( __CLASS__, 'sanitize_url' ),
			'direct_url'  => array( __CLASS__, 'sanitize_url' ),
			'secret'      => array( __CLASS__, 'sanitize_secret' ),
			'widget_name' => array( __CLASS__, 'sanitize_line' ),
			'greeting'    => 'sanitize_textarea_field',
			'color'       => array( __CLASS__, 'sanitize_color' ),
			'enabled'     => array( __CLASS__, 'sanitize_flag' ),
			'timeout'     => array( __CLASS__, 'sanitize_timeout' ),
		);
		foreach ( $sanitizers as $name => $sanitizer ) {
			register_setting(
				self::GROUP,
				self::PREFIX . $name,
				array(
					'sanitize_callback' => $sanitizer,
					'default'           => self::defaults()[ $name ],
				)
			);
		}
		add_settings_section( 'fahad_ai_bridge', __( 'Bridge', 'fahad-ai-bridge' ), '__return_false', self::PAGE );
		add_settings_section( 'fahad_ai_widget', __( 'Chat widget', 'fahad-ai-bridge' ), '__return_false', self::PAGE );
		$fields = array(
			'bridge_url'  => array( 'fahad_ai_bridge', __( 'Bridge URL', 'fahad-ai-bridge' ) ),
			'direct_url'  => array( 'fahad_ai_bridge', __( 'Bridge URL for browsers', 'fahad-ai-bridge' ) ),
			'secret'      => array( 'fahad_ai_bridge', __( 'Shared secret', 'fahad-ai-bridge' ) ),
			'timeout'     => array( 'fahad_ai_bridge', __( 'Timeout (seconds)', 'fahad-ai-bridge' ) ),
			'enabled'     => array( 'fahad_ai_widget', __( 'Show the chat widget', 'fahad-ai-bridge' ) ),
			'widget_name' => array( 'fahad_ai_widget', __( 'Assistant name', 'fahad-ai-bridge' ) ),
			'greeting'    => array( 'fahad_ai_widget', __( 'Greeting', 'fahad-ai-bridge' ) ),
			'color'       => array( 'fahad_ai_widget', __( 'Colour', 'fahad-ai-bridge' ) ),
		);
		foreach ( $fields as $name => list( $section, $label ) ) {
			add_settings_field(
				self::PREFIX . $name,
				$label,
				array( __CLASS__, 'field' ),
				self::PAGE,
				$section,
				array(
					'name'      => $name,
					'label_for' => self::PREFIX . $name,
				)
			);
		}
	}

	/**
	 * Prints one field.
	 *
	 * @param array $args The field's name.
	 */
	public static function field( array $args ): void {
		$name  = $args['name'];
		$id    = self::PREFIX . $name;
		$value = self::get( $name );
		switch ( $name ) {
			case 'bridge_url':
				printf( '<input type="url" class="regular-text code" id="%1$s" name="%1$s" value="%2$s" placeholder="https://bridge.example.com">', esc_attr( $id ), esc_attr( (string) $value ) );
				echo '<p class="description">' . esc_html__( 'Where the fahad-ai bridge runs. Every request is forwarded there, signed with the shared secret.', 'fahad-ai-bridge' ) . '</p>';
				break;
			case 'direct_url':
				printf( '<input type="url" class="regular-text code" id="%1$s" name="%1$s" value="%2$s" placeholder="https://bridge.example.com">', esc_attr( $id ), esc_attr( (string) $value ) );
				echo '<p class="description">' . esc_html__( 'Optional: where shoppers\' browsers reach the bridge. The widget then streams answers straight from there with a short-lived signed token (set FAHAD_STOREFRONT_ORIGINS on the bridge to this site\'s address), and through WordPress when that fails. Empty: every answer comes through WordPress.', 'fahad-ai-bridge' ) . '</p>';
				break;
			case 'secret':
				if ( defined( 'FAHAD_AI_BRIDGE_SECRET' ) ) {
					echo '<p>' . esc_html__( 'Set by FAHAD_AI_BRIDGE_SECRET in wp-config.php.', 'fahad-ai-bridge' ) . '</p>';
					break;
				}
				// The saved secret is never printed back; an empty field keeps it.
				printf(
					'<input type="password" class="regular-text" id="%1$s" name="%1$s" value="" autocomplete="new-password" placeholder="%2$s">',
					esc_attr( $id ),
					esc_attr( '' !== (string) $value ? __( 'Saved (leave empty to keep it)', 'fahad-ai-bridge' ) : '' )
				);
				echo '<p class="description">' . esc_html__( 'The value of FAHAD_BRIDGE_SECRET on the bridge.', 'fahad-ai-bridge' ) . '</p>';
				break;
			case 'timeout':
				printf( '<input type="number" min="1" max="300" class="small-text" id="%1$s" name="%1$s" value="%2$d">', esc_attr( $id ), (int) $value );
				break;
			case 'enabled':
				printf( '<input type="checkbox" id="%1$s" name="%1$s" value="1" %2$s>', esc_attr( $id ), checked( '1', (string) $value, false ) );
				break;
			case 'greeting':
				printf( '<textarea class="large-text" rows="3" id="%1$s" name="%1$s">%2$s</textarea>', esc_attr( $id ), esc_textarea( (string) $value ) );
				break;
			case 'color':
				printf( '<input type="color" id="%1$s" name="%1$s" value="%2$s">', esc_attr( $id ), esc_attr( (string) $value ) );
				break;
			default:
				printf( '<input type="text" class="regular-text" id="%1$s" name="%1$s" value="%2$s" placeholder="%3$s">', esc_attr( $id ), esc_attr( (string) $value ), esc_attr__( 'Shop assistant', 'fahad-ai-bridge' ) );
		}
	}

	/**
	 * Prints the page.
	 */
	public static function render(): void {
		if ( ! current_user_can( 'manage_options' ) ) {
			return;
		}
		echo '<div class="wrap"><h1>' . esc_html( get_admin_page_title() ) . '</h1>';
		echo '<form action="' . esc_url( admin_url( 'options.php' ) ) . '" method="post">';
		settings_fields( self::GROUP );
		do_settings_sections( self::PAGE );
		submit_button();
		echo '</form></div>';
	}

	/**
	 * An http(s) URL, or '' (with a notice) for anything else.
	 *
	 * @param mixed $value Submitted value.
	 */
	public static function sanitize_url( $value ): string {
		$url = esc_url_raw( trim( (string) $value ), array( 'http', 'https' ) );
		if ( '' !== trim( (string) $value ) && '' === $url ) {
			add_settings_error( self::PREFIX . 'bridge_url', 'fahad_ai_bad_url', __( 'The bridge URL must start with http:// or https://.', 'fahad-ai-bridge' ) );
		}
		return untrailingslashit( $url );
	}

	/**
	 * The new secret, or the saved one when the field was left empty.
	 *
	 * @param mixed $value Submitted value.
	 */
	public static function sanitize_secret( $value ): string {
		$value = trim( (string) $value );
		if ( '' === $value ) {
			// get_option here would run this sanitizer's filter chain again: read raw.
			$saved = get_option( self::PREFIX . 'secret', '' );
			return is_string( $saved ) ? $saved : '';
		}
		return $value;
	}

	/**
	 * One line of plain text, at most 60 characters.
	 *
	 * @param mixed $value Submitted value.
	 */
	public static function sanitize_line( $value ): string {
		return mb_substr( sanitize_text_field( (string) $value ), 0, 60 );
	}

	/**
	 * A #rrggbb colour, else the default.
	 *
	 * @param mixed $value Submitted value.
	 */
	public static function sanitize_color( $value ): string {
		$color = sanitize_hex_color( (string) $value );
		return $color ? $color : self::defaults()['color'];
	}

	/**
	 * '1' or '0'.
	 *
	 * @param mixed $value Submitted value.
	 */
	public static function sanitize_flag( $value ): string {
		return empty( $value ) ? '0' : '1';
	}

	/**
	 * Seconds, 1 to 300.
	 *
	 * @param mixed $value Submitted value.
	 */
	public static function sanitize_timeout( $value ): int {
		return max( 1, min( 300, (int) $value ) );
	}
}
