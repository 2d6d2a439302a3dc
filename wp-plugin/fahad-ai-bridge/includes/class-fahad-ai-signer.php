<?php
/**
 * The signed context of CONTRACT.md: X-Fahad-Context and X-Fahad-Signature.
 *
 * Free of WordPress functions so it can be checked byte for byte against the bridge's
 * Python signer (bridge/security.py) from a plain PHP CLI.
 *
 * @package FahadAiBridge
 */

if ( ! defined( 'ABSPATH' ) && PHP_SAPI !== 'cli' ) {
	exit;
}

/**
 * Signs what WordPress vouches for about a request.
 */
final class Fahad_AI_Signer {

	/**
	 * The base64url (no padding) JSON of a context, encoded like Python's
	 * json.dumps(payload, separators=(",", ":")).
	 *
	 * @param array $payload uid, caps, ip, iat and the optional cart_token, rate_limit.
	 * @return string
	 */
	public static function encode( array $payload ): string {
		$json = json_encode( $payload, JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR );
		return rtrim( strtr( base64_encode( $json ), '+/', '-_' ), '=' );
	}

	/**
	 * What the signature covers: context, method, path and query as sent, body hash.
	 *
	 * @param string $context The X-Fahad-Context value.
	 * @param string $method  HTTP method.
	 * @param string $path    Path and query exactly as sent to the bridge.
	 * @param string $body    Raw body bytes.
	 * @return string
	 */
	public static function signing_input( string $context, string $method, string $path, string $body ): string {
		return $context . "\n" . strtoupper( $method ) . "\n" . $path . "\n" . hash( 'sha256', $body );
	}

	/**
	 * The two headers for one request.
	 *
	 * @param string $secret  The shared secret (FAHAD_BRIDGE_SECRET).
	 * @param array  $payload The context.
	 * @param string $method  HTTP method.
	 * @param string $path    Path and query as sent.
	 * @param string $body    Raw body.
	 * @return array{0: string, 1: string} X-Fahad-Context, X-Fahad-Signature.
	 */
	public static function sign( string $secret, array $payload, string $method, string $path, string $body ): array {
		$context = self::encode( $payload );
		$digest  = hash_hmac( 'sha256', self::signing_input( $context, $method, $path, $body ), $secret );
		return array( $context, 'v1=' . $digest );
	}
}
