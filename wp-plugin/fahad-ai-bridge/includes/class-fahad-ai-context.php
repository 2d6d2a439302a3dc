<?php
/**
 * What WordPress vouches for about the current request (CONTRACT.md, "The signed context").
 *
 * @package FahadAiBridge
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Builds the context payload: user id, capabilities, IP, time, cart token, chat client, rate limit.
 */
final class Fahad_AI_Context {

	// The shopper's chat client id: which conversations are theirs when they are not signed in.
	const CLIENT_COOKIE = 'fahad_ai_client';

	/**
	 * The capabilities the bridge may ask about; only those the user has are sent, which
	 * keeps the header small. Filter `fahad_ai_context_caps` to add more.
	 */
	const CAPS = array( 'manage_woocommerce', 'manage_options', 'view_woocommerce_reports' );

	/**
	 * The payload for a request.
	 *
	 * @param bool $with_cart Whether to include the shopper's cart token and chat client id (storefront routes).
	 * @return array
	 */
	public static function payload( bool $with_cart ): array {
		return self::build( $with_cart, true );
	}

	/**
	 * The shopper's part of a storefront context as it stands, for a stream token: nothing is
	 * minted (no cookie, no WooCommerce session), so a page render stays cacheable; null when a
	 * part is still missing (a guest's first visit), and the first turn goes through WordPress.
	 *
	 * @return array|null uid, caps, client, cart_token or cart, rate_limit.
	 */
	public static function existing(): ?array {
		$payload = self::build( true, false );
		unset( $payload['ip'], $payload['iat'] );
		if ( 0 === $payload['uid'] && ! isset( $payload['client'] ) ) {
			return null;
		}
		if ( class_exists( 'WooCommerce' ) ) {
			return isset( $payload['cart_token'] ) ? $payload : null;
		}
		// The bridge's demo store: its cart id, from the cookie the proxy keeps.
		$cart = isset( $_COOKIE[ Fahad_AI_Proxy::CART_COOKIE ] ) ? sanitize_text_field( wp_unslash( $_COOKIE[ Fahad_AI_Proxy::CART_COOKIE ] ) ) : '';
		if ( '' === $cart ) {
			return null;
		}
		$payload['cart'] = $cart;
		return $payload;
	}

	/**
	 * The payload; with `$mint` false, the client id and cart token only if they exist already.
	 *
	 * @param bool $with_cart Storefront: the cart token and chat client id too.
	 * @param bool $mint      Whether a missing client id or cart session may be created.
	 * @return array
	 */
	private static function build( bool $with_cart, bool $mint ): array {
		$caps = array();
		foreach ( (array) apply_filters( 'fahad_ai_context_caps', self::CAPS ) as $cap ) {
			if ( is_string( $cap ) && current_user_can( $cap ) ) {
				$caps[] = $cap;
			}
		}
		$payload = array(
			'uid'  => get_current_user_id(),
			'caps' => array_values( array_unique( $caps ) ),
			'ip'   => self::client_ip(),
			'iat'  => time(),
		);
		if ( $with_cart ) {
			$token = self::cart_token( $mint );
			if ( '' !== $token ) {
				$payload['cart_token'] = $token;
			}
			$client = $mint ? self::client_id() : self::given_client_id();
			if ( '' !== $client ) {
				$payload['client'] = $client;
			}
		}
		$limit  = apply_filters( 'fahad_ai_rate_limit', null );
		$window = apply_filters( 'fahad_ai_rate_window', null );
		if ( is_numeric( $limit ) && is_numeric( $window ) && (int) $limit >= 1 && (int) $window >= 1 ) {
			$payload['rate_limit'] = array(
				'limit'  => (int) $limit,
				'window' => (int) $window,
			);
		}
		return $payload;
	}

	/**
	 * The shopper's IP as PHP saw it. Behind a proxy, filter `fahad_ai_client_ip` with the
	 * address your proxy vouches for (never a header a client can set).
	 */
	public static function client_ip(): string {
		$ip = isset( $_SERVER['REMOTE_ADDR'] ) ? sanitize_text_field( wp_unslash( $_SERVER['REMOTE_ADDR'] ) ) : '';
		$ip = (string) apply_filters( 'fahad_ai_client_ip', $ip );
		return filter_var( $ip, FILTER_VALIDATE_IP ) ? $ip : '0.0.0.0';
	}

	/**
	 * The shopper's chat client id from its cookie, minted (and the cookie set) on first use.
	 * It is random and only ever travels inside the signed context, so the bridge can trust
	 * it and no one can name another shopper's conversations by guessing.
	 */
	public static function client_id(): string {
		$given = self::given_client_id();
		if ( '' !== $given ) {
			return $given;
		}
		$minted = wp_generate_password( 32, false );
		$_COOKIE[ self::CLIENT_COOKIE ] = $minted; // the same id for the rest of this request
		if ( ! headers_sent() ) {
			setcookie(
				self::CLIENT_COOKIE,
				$minted,
				array(
					'expires'  => time() + YEAR_IN_SECONDS,
					'path'     => COOKIEPATH ? COOKIEPATH : '/',
					'secure'   => is_ssl(),
					'httponly' => true,
					'samesite' => 'Lax',
				)
			);
		}
		return $minted;
	}

	/**
	 * The chat client id the shopper's cookie holds, or ''.
	 */
	private static function given_client_id(): string {
		$given = isset( $_COOKIE[ self::CLIENT_COOKIE ] ) ? sanitize_text_field( wp_unslash( $_COOKIE[ self::CLIENT_COOKIE ] ) ) : '';
		return 1 === preg_match( '/^[A-Za-z0-9_-]{22,64}$/', $given ) ? $given : '';
	}

	/**
	 * The WooCommerce Store API Cart-Token of the shopper's own session, starting a session
	 * for a guest unless `$mint` is false; '' without WooCommerce.
	 *
	 * @param bool $mint Whether a guest's session may be started.
	 */
	public static function cart_token( bool $mint = true ): string {
		if ( ! class_exists( 'WooCommerce' ) || ! function_exists( 'WC' ) ) {
			return '';
		}
		$token_utils = 'Automattic\\WooCommerce\\StoreApi\\Utilities\\CartTokenUtils';
		if ( ! class_exists( $token_utils ) ) {
			return '';
		}
		$wc = WC();
		// REST requests don't load the cart session by themselves.
		if ( null === $wc->session && method_exists( $wc, 'initialize_session' ) ) {
			$wc->initialize_session();
		}
		if ( null === $wc->session ) {
			return '';
		}
		if ( ! $wc->session->has_session() ) {
			if ( ! $mint ) {
				return '';
			}
			// A guest's first cart: the session cookie keeps it theirs on later requests.
			$wc->session->set_customer_session_cookie( true );
		}
		$customer_id = (string) $wc->session->get_customer_id();
		if ( '' === $customer_id ) {
			return '';
		}
		return (string) call_user_func( array( $token_utils, 'get_cart_token' ), $customer_id );
	}
}
