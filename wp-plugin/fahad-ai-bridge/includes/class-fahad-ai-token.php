<?php
/**
 * The stream token (bridge/stream_token.py): lets the widget stream a turn straight from the
 * bridge, so WordPress boots once per page instead of once per turn.
 *
 * @package FahadAiBridge
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Mints `v1.<base64url JSON>.<hex HMAC-SHA256>`: the shopper's part of the signed context,
 * the store's origin, a hash of the page's wp_rest nonce and an expiry, signed with the
 * shared secret like a context but with the method TOKEN (it can't pass for one).
 */
final class Fahad_AI_Token {

	// Seconds a token lives; each answer relayed through WordPress brings a fresh one.
	const TTL = 600;

	// The response header a relayed storefront answer carries a fresh token in.
	const HEADER = 'X-Fahad-Stream-Token';

	/**
	 * A token for the page whose wp_rest nonce is `$nonce`; '' when direct streaming is off
	 * (no browser URL for the bridge) or the shopper's context isn't complete yet.
	 *
	 * @param string $nonce The page's wp_rest nonce.
	 */
	public static function mint( string $nonce ): string {
		$secret  = Fahad_AI_Settings::secret();
		$payload = '' === Fahad_AI_Settings::direct_url() || '' === $secret || '' === $nonce ? null : Fahad_AI_Context::existing();
		if ( null === $payload ) {
			return '';
		}
		$ttl                = (int) apply_filters( 'fahad_ai_stream_token_ttl', self::TTL );
		$payload['origin']  = self::origin();
		$payload['nonce']   = substr( hash( 'sha256', $nonce ), 0, 32 );
		$payload['exp']     = time() + max( 30, min( 3600, $ttl ) );
		$value              = Fahad_AI_Signer::encode( $payload );
		$input              = Fahad_AI_Signer::signing_input( $value, 'TOKEN', '/wp-json/' . Fahad_AI_Routes::NAMESPACE . '/stream', '' );
		return 'v1.' . $value . '.' . hash_hmac( 'sha256', $input, $secret );
	}

	/**
	 * The store's origin as a browser sends it: scheme://host[:port] of the home URL.
	 */
	public static function origin(): string {
		$parts = wp_parse_url( home_url() );
		if ( ! is_array( $parts ) || empty( $parts['host'] ) ) {
			return '';
		}
		$scheme = isset( $parts['scheme'] ) ? strtolower( $parts['scheme'] ) : 'http';
		return $scheme . '://' . strtolower( $parts['host'] ) . ( isset( $parts['port'] ) ? ':' . (int) $parts['port'] : '' );
	}

	/**
	 * Adds a fresh token to a relayed storefront answer, for the request's own nonce.
	 *
	 * @param WP_REST_Request $request The request.
	 */
	public static function renew( WP_REST_Request $request ): string {
		$nonce = $request->get_header( 'x_wp_nonce' );
		return is_string( $nonce ) ? self::mint( $nonce ) : '';
	}
}
