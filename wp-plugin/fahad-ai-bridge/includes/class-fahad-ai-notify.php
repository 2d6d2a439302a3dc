<?php
/**
 * Email through WordPress when a shopper asks for a person: the bridge's signed webhook
 * (conversation.escalated) arrives at POST /wp-json/fahad-ai/v1/notify and becomes a
 * wp_mail() to the site's admin. Answered here, never forwarded to the bridge.
 *
 * The bridge sends it once it is told to: FAHAD_WEBHOOKS =
 * {"wordpress": {"url": "<site>/wp-json/fahad-ai/v1/notify", "secret": "<the shared secret>",
 * "events": ["conversation.escalated"]}}.
 *
 * @package FahadAiBridge
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Verifies the webhook's Fahad-Signature and mails the store.
 */
final class Fahad_AI_Notify {

	const PATH = '/notify';

	// A signature older (or newer) than this many seconds is a replay: refused.
	const TOLERANCE = 300;

	/**
	 * Registers the route (on rest_api_init).
	 */
	public static function register(): void {
		register_rest_route(
			Fahad_AI_Routes::NAMESPACE,
			self::PATH,
			array(
				'methods'             => 'POST',
				'callback'            => array( __CLASS__, 'receive' ),
				// Public: the signature with the shared secret is the check.
				'permission_callback' => '__return_true',
			)
		);
	}

	/**
	 * Whether `t=<unix>,v1=<hex HMAC-SHA256 of "{t}.{body}">` signs this body with the secret, recently.
	 *
	 * @param string $secret The shared secret.
	 * @param string $body   The raw body.
	 * @param string $header The Fahad-Signature header.
	 */
	public static function verify( string $secret, string $body, string $header ): bool {
		$parts = array();
		foreach ( explode( ',', $header ) as $part ) {
			$pair = explode( '=', trim( $part ), 2 );
			if ( 2 === count( $pair ) ) {
				$parts[ $pair[0] ] = $pair[1];
			}
		}
		if ( '' === $secret || ! isset( $parts['t'], $parts['v1'] ) || ! ctype_digit( $parts['t'] ) ) {
			return false;
		}
		if ( abs( time() - (int) $parts['t'] ) > self::TOLERANCE ) {
			return false;
		}
		$expected = hash_hmac( 'sha256', $parts['t'] . '.' . $body, $secret );
		return hash_equals( $expected, $parts['v1'] );
	}

	/**
	 * The webhook: 403 unless signed; mails the store for the events it wants.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return WP_REST_Response|WP_Error
	 */
	public static function receive( WP_REST_Request $request ) {
		$body      = (string) $request->get_body();
		$signature = (string) $request->get_header( 'fahad_signature' );
		if ( ! self::verify( Fahad_AI_Settings::secret(), $body, $signature ) ) {
			return new WP_Error( 'fahad_ai_invalid_signature', __( 'The notification is not signed by the bridge.', 'fahad-ai-bridge' ), array( 'status' => 403 ) );
		}
		$event = json_decode( $body, true );
		if ( ! is_array( $event ) || ! isset( $event['type'] ) || ! is_string( $event['type'] ) ) {
			return new WP_Error( 'fahad_ai_invalid_event', __( 'The notification is not an event.', 'fahad-ai-bridge' ), array( 'status' => 400 ) );
		}
		$wanted = (array) apply_filters( 'fahad_ai_notify_events', array( 'conversation.escalated' ) );
		$mailed = false;
		if ( in_array( $event['type'], $wanted, true ) ) {
			$data   = isset( $event['data'] ) && is_array( $event['data'] ) ? $event['data'] : array();
			$mailed = self::mail( $event['type'], $data );
		}
		return new WP_REST_Response(
			array(
				'ok'     => true,
				'mailed' => $mailed,
			),
			200
		);
	}

	/**
	 * One email about the event to the store (filter `fahad_ai_notify_email` for other addresses).
	 *
	 * @param string $type The event type.
	 * @param array  $data The event's data.
	 */
	private static function mail( string $type, array $data ): bool {
		$to = apply_filters( 'fahad_ai_notify_email', get_option( 'admin_email' ), $type, $data );
		if ( empty( $to ) ) {
			return false;
		}
		$ref     = isset( $data['handoff_ref'] ) && is_scalar( $data['handoff_ref'] ) ? sanitize_text_field( (string) $data['handoff_ref'] ) : '';
		$channel = isset( $data['channel'] ) && is_scalar( $data['channel'] ) ? sanitize_text_field( (string) $data['channel'] ) : '';
		$reason  = isset( $data['reason'] ) && is_scalar( $data['reason'] ) ? sanitize_textarea_field( (string) $data['reason'] ) : '';
		$site    = wp_specialchars_decode( get_bloginfo( 'name' ), ENT_QUOTES );
		if ( 'conversation.escalated' === $type ) {
			/* translators: 1: site name, 2: the conversation's reference. */
			$subject = sprintf( __( '[%1$s] A shopper asked for a person (%2$s)', 'fahad-ai-bridge' ), $site, $ref );
		} else {
			/* translators: 1: site name, 2: event type. */
			$subject = sprintf( __( '[%1$s] Shop assistant: %2$s', 'fahad-ai-bridge' ), $site, sanitize_text_field( $type ) );
		}
		$lines = array(
			/* translators: %s: the conversation's reference. */
			sprintf( __( 'Reference: %s', 'fahad-ai-bridge' ), $ref ),
			/* translators: %s: storefront or whatsapp. */
			sprintf( __( 'Channel: %s', 'fahad-ai-bridge' ), $channel ),
		);
		if ( '' !== $reason ) {
			/* translators: %s: why the shopper asked, in their words. */
			$lines[] = sprintf( __( 'Reason: %s', 'fahad-ai-bridge' ), $reason );
		}
		/* translators: %s: link to the copilot's inbox in wp-admin. */
		$lines[] = sprintf( __( 'Answer it in the inbox: %s', 'fahad-ai-bridge' ), admin_url( 'admin.php?page=' . Fahad_AI_Copilot::PAGE . '#inbox' ) );
		return (bool) wp_mail( $to, $subject, implode( "\n", $lines ) );
	}
}
