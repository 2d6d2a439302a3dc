<?php
/**
 * Forwards a fahad-ai/v1 request to the bridge with the signed context, and relays the
 * answer: status, the headers that matter and the body, byte for byte.
 *
 * @package FahadAiBridge
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * A body to send as is (rest_pre_serve_request), instead of WordPress's JSON encoding.
 */
final class Fahad_AI_Raw_Body {

	/**
	 * The bytes.
	 *
	 * @var string
	 */
	public $bytes;

	/**
	 * Wraps bytes.
	 *
	 * @param string $bytes The body.
	 */
	public function __construct( string $bytes ) {
		$this->bytes = $bytes;
	}
}

/**
 * The forwarding itself.
 */
final class Fahad_AI_Proxy {

	// Request headers passed on to the bridge (lower case, as WP_REST_Request keeps them).
	const REQUEST_HEADERS = array(
		'content-type',
		'accept',
		'accept-language',
		'if-none-match',
		'if-modified-since',
		'mcp-protocol-version',
		'mcp-session-id',
		'last-event-id',
		'x-hub-signature-256',
	);

	// Passed on to the /app/* routes only: an app server's API key, its user and cart, and
	// Origin, so the bridge can refuse a key a browser sent (no other route gets a WordPress
	// Authorization header).
	const APP_HEADERS = array( 'authorization', 'x-app-user', 'x-cart-token', 'origin' );

	// Response headers relayed to the client.
	const RESPONSE_HEADERS = array(
		'Content-Type',
		'Retry-After',
		'X-RateLimit-Limit',
		'X-RateLimit-Remaining',
		'X-RateLimit-Reset',
		'Mcp-Session-Id',
		'MCP-Protocol-Version',
		'ETag',
		'Last-Modified',
		'Cache-Control',
	);

	// Query names PHP mangles ("hub.mode" arrives as "hub_mode") and what Meta sent.
	const DOTTED_QUERY = array(
		'hub_mode'         => 'hub.mode',
		'hub_verify_token' => 'hub.verify_token',
		'hub_challenge'    => 'hub.challenge',
	);

	// Without WooCommerce (the bridge's demo store), the bridge's cart id lives in this cookie.
	const CART_COOKIE = 'fahad_ai_cart';

	/**
	 * Forwards any route but /stream and answers with the bridge's reply.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return WP_REST_Response|WP_Error
	 */
	public static function forward( WP_REST_Request $request ) {
		$outgoing = self::prepare( $request );
		if ( is_wp_error( $outgoing ) ) {
			return $outgoing;
		}
		$reply    = wp_remote_request( $outgoing['url'], $outgoing['args'] );
		$response = self::relay( $reply );
		if ( $response instanceof WP_REST_Response && $outgoing['storefront'] ) {
			// A fresh stream token: the shopper's context is complete now, the next turn goes direct.
			$token = Fahad_AI_Token::renew( $request );
			if ( '' !== $token ) {
				$response->header( Fahad_AI_Token::HEADER, $token );
			}
		}
		return $response;
	}

	/**
	 * /stream: each chunk the bridge sends is echoed and flushed to the browser as it arrives.
	 *
	 * WordPress's HTTP API buffers a body, but fires `requests-request.progress` for every
	 * chunk curl receives; once the bridge has answered 200 text/event-stream, the plugin
	 * sends its own headers, ends PHP's output buffers and writes each chunk through.
	 * Anything else (an error in JSON, a 400 error frame) is relayed whole, like any route.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return WP_REST_Response|WP_Error
	 */
	public static function stream( WP_REST_Request $request ) {
		$outgoing = self::prepare( $request, (int) apply_filters( 'fahad_ai_stream_timeout', max( 120, Fahad_AI_Settings::timeout() ) ) );
		if ( is_wp_error( $outgoing ) ) {
			return $outgoing;
		}
		$state     = (object) array(
			'handle'    => null,
			'decided'   => false,
			'streaming' => false,
			'token'     => $outgoing['storefront'] ? Fahad_AI_Token::renew( $request ) : '',
		);
		$on_send   = static function ( &$handle ) use ( $state ) {
			$state->handle = $handle;
		};
		$on_chunk  = static function ( $data ) use ( $state ) {
			if ( ! $state->decided ) {
				$state->decided   = true;
				$state->streaming = self::is_event_stream( $state->handle );
				if ( $state->streaming ) {
					self::start_event_stream( $state->token );
				}
			}
			if ( $state->streaming && '' !== $data ) {
				echo $data; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- the bridge's SSE bytes, relayed as is.
				flush();
			}
		};
		add_action( 'requests-curl.before_send', $on_send, 10, 1 );
		add_action( 'requests-request.progress', $on_chunk, 10, 1 );
		if ( function_exists( 'set_time_limit' ) ) {
			set_time_limit( $outgoing['args']['timeout'] + 30 );
		}
		$reply = wp_remote_request( $outgoing['url'], $outgoing['args'] );
		remove_action( 'requests-curl.before_send', $on_send, 10 );
		remove_action( 'requests-request.progress', $on_chunk, 10 );

		if ( ! $state->streaming ) {
			return self::relay( $reply );
		}
		if ( is_wp_error( $reply ) ) {
			// The bridge went away mid-answer: end the stream with an error frame.
			$error = self::unavailable( $reply );
			$frame = array(
				'type'    => 'error',
				'code'    => $error->get_error_code(),
				'message' => $error->get_error_message(),
			);
			echo "event: error\ndata: " . wp_json_encode( $frame ) . "\n\n"; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- JSON in an SSE frame.
			flush();
		}
		// Headers and body are out; WordPress must not send its own after them.
		exit;
	}

	/**
	 * Whether the bridge answered 200 text/event-stream (known once the first chunk arrives).
	 *
	 * @param mixed $handle The curl handle, or null with another transport.
	 */
	private static function is_event_stream( $handle ): bool {
		if ( null === $handle || ! function_exists( 'curl_getinfo' ) ) {
			return false; // Another transport: relayed whole, the widget copes.
		}
		$status = (int) curl_getinfo( $handle, CURLINFO_RESPONSE_CODE );
		$type   = strtolower( (string) curl_getinfo( $handle, CURLINFO_CONTENT_TYPE ) );
		return 200 === $status && str_starts_with( $type, 'text/event-stream' );
	}

	/**
	 * Sends the stream's headers and takes PHP's buffers out of the way.
	 *
	 * @param string $token A fresh stream token for the widget, or ''.
	 */
	private static function start_event_stream( string $token ): void {
		if ( ! headers_sent() ) {
			status_header( 200 );
			if ( '' !== $token ) {
				header( Fahad_AI_Token::HEADER . ': ' . $token );
			}
			header( 'Content-Type: text/event-stream; charset=utf-8' );
			header( 'Cache-Control: no-cache' );
			// nginx: don't buffer this response (see readme.txt for PHP-FPM and others).
			header( 'X-Accel-Buffering: no' );
		}
		if ( function_exists( 'apache_setenv' ) ) {
			apache_setenv( 'no-gzip', '1' );
		}
		ini_set( 'zlib.output_compression', '0' ); // phpcs:ignore WordPress.PHP.IniSet.Risky -- compression would hold the chunks back.
		while ( ob_get_level() > 0 ) {
			ob_end_clean();
		}
		ignore_user_abort( false );
	}

	/**
	 * URL and wp_remote_request() arguments for the bridge, signed; or a WP_Error.
	 *
	 * @param WP_REST_Request $request The request.
	 * @param int             $timeout Seconds; 0 for the configured timeout.
	 * @return array|WP_Error
	 */
	private static function prepare( WP_REST_Request $request, int $timeout = 0 ) {
		$base   = Fahad_AI_Settings::bridge_url();
		$secret = Fahad_AI_Settings::secret();
		$parts  = '' === $base ? false : wp_parse_url( $base );
		if ( ! $parts || empty( $parts['host'] ) || '' === $secret ) {
			return new WP_Error(
				'fahad_ai_not_configured',
				__( 'The shopping assistant is not set up yet. Please try again later.', 'fahad-ai-bridge' ),
				array( 'status' => 503 )
			);
		}
		$route = substr( $request->get_route(), strlen( '/' . Fahad_AI_Routes::NAMESPACE ) );
		$query = self::query( $request );
		$path  = ( isset( $parts['path'] ) ? untrailingslashit( $parts['path'] ) : '' )
			. '/wp-json/' . Fahad_AI_Routes::NAMESPACE . $route . ( '' === $query ? '' : '?' . $query );
		$url   = $parts['scheme'] . '://' . $parts['host'] . ( isset( $parts['port'] ) ? ':' . $parts['port'] : '' ) . $path;

		$headers = array();
		$names   = str_starts_with( $route, '/app/' ) ? array_merge( self::REQUEST_HEADERS, self::APP_HEADERS ) : self::REQUEST_HEADERS;
		foreach ( $names as $name ) {
			$value = $request->get_header( $name );
			if ( null !== $value && '' !== $value ) {
				$headers[ $name ] = $value;
			}
		}
		foreach ( $request->get_headers() as $name => $values ) {
			// WooCommerce's webhook headers: signature, topic, delivery id...
			if ( str_starts_with( $name, 'x_wc_webhook_' ) ) {
				$headers[ 'X-WC-Webhook-' . str_replace( '_', '-', ucwords( substr( $name, 13 ), '_' ) ) ] = implode( ', ', (array) $values );
			}
		}

		$body = self::body( $request, $headers );
		if ( is_wp_error( $body ) ) {
			return $body;
		}
		$storefront = Fahad_AI_Routes::STOREFRONT === ( Fahad_AI_Routes::table()[ $route ][1] ?? '' );
		if ( $storefront && ! class_exists( 'WooCommerce' ) && isset( $_COOKIE[ self::CART_COOKIE ] ) ) {
			$headers['X-Fahad-Cart'] = sanitize_text_field( wp_unslash( $_COOKIE[ self::CART_COOKIE ] ) );
		}
		$method = $request->get_method();
		list( $context, $signature ) = Fahad_AI_Signer::sign( $secret, Fahad_AI_Context::payload( $storefront ), $method, $path, $body );
		$headers['X-Fahad-Context']   = $context;
		$headers['X-Fahad-Signature'] = $signature;

		return array(
			'url'        => $url,
			'storefront' => $storefront,
			'args'       => array(
				'method'      => $method,
				'headers'     => $headers,
				'body'        => 'GET' === $method ? null : $body,
				'timeout'     => $timeout > 0 ? $timeout : Fahad_AI_Settings::timeout(),
				'redirection' => 0,
				'user-agent'  => 'fahad-ai-bridge/' . FAHAD_AI_BRIDGE_VERSION . ' WordPress/' . get_bloginfo( 'version' ),
			),
		);
	}

	/**
	 * The query string for the bridge: the client's parameters, with the names PHP mangled
	 * (hub.mode to hub_mode) restored and WordPress's own (rest_route, _wpnonce) left out.
	 *
	 * Rebuilt in RFC 3986 form, the form WordPress's HTTP library sends unchanged, so the
	 * path the bridge sees is the path that was signed.
	 *
	 * @param WP_REST_Request $request The request.
	 */
	private static function query( WP_REST_Request $request ): string {
		$params = array();
		foreach ( $request->get_query_params() as $name => $value ) {
			if ( 'rest_route' === $name || '_wpnonce' === $name ) {
				continue;
			}
			$params[ self::DOTTED_QUERY[ $name ] ?? $name ] = $value;
		}
		return http_build_query( $params, '', '&', PHP_QUERY_RFC3986 );
	}

	/**
	 * The raw body; for multipart uploads (which PHP parses and leaves php://input empty) a
	 * new multipart body of the same fields and files.
	 *
	 * @param WP_REST_Request $request The request.
	 * @param array           $headers Outgoing headers (its Content-Type is set for multipart).
	 * @return string|WP_Error
	 */
	private static function body( WP_REST_Request $request, array &$headers ) {
		$files = $request->get_file_params();
		if ( empty( $files ) ) {
			return (string) $request->get_body();
		}
		$boundary = 'fahad-ai-' . bin2hex( random_bytes( 12 ) );
		$body     = '';
		foreach ( (array) $request->get_body_params() as $name => $value ) {
			if ( is_scalar( $value ) ) {
				$body .= '--' . $boundary . "\r\nContent-Disposition: form-data; name=\"" . self::header_safe( (string) $name ) . "\"\r\n\r\n" . $value . "\r\n";
			}
		}
		foreach ( $files as $name => $file ) {
			if ( ! is_array( $file ) || is_array( $file['tmp_name'] ?? null ) ) {
				continue;
			}
			$error = (int) ( $file['error'] ?? UPLOAD_ERR_NO_FILE );
			if ( UPLOAD_ERR_INI_SIZE === $error || UPLOAD_ERR_FORM_SIZE === $error ) {
				return new WP_Error(
					'fahad_ai_too_large',
					__( 'The image is too large to upload here.', 'fahad-ai-bridge' ),
					array( 'status' => 413 )
				);
			}
			if ( UPLOAD_ERR_OK !== $error || ! is_uploaded_file( $file['tmp_name'] ) ) {
				continue;
			}
			$bytes = (string) file_get_contents( $file['tmp_name'] ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_get_contents_file_get_contents -- a local upload.
			$type  = preg_match( '#^[\w.+-]+/[\w.+-]+$#', (string) ( $file['type'] ?? '' ) ) ? $file['type'] : 'application/octet-stream';
			$body .= '--' . $boundary . "\r\nContent-Disposition: form-data; name=\"" . self::header_safe( (string) $name )
				. '"; filename="' . self::header_safe( (string) ( $file['name'] ?? 'upload' ) ) . "\"\r\nContent-Type: " . $type . "\r\n\r\n" . $bytes . "\r\n";
		}
		$headers['content-type'] = 'multipart/form-data; boundary=' . $boundary;
		return $body . '--' . $boundary . "--\r\n";
	}

	/**
	 * A name fit for a quoted header parameter.
	 *
	 * @param string $value The name.
	 */
	private static function header_safe( string $value ): string {
		return str_replace( array( '"', "\r", "\n", '\\' ), '_', $value );
	}

	/**
	 * The bridge's reply as the REST response: status, headers and body unchanged.
	 *
	 * @param array|WP_Error $reply What wp_remote_request() returned.
	 * @return WP_REST_Response|WP_Error
	 */
	private static function relay( $reply ) {
		if ( is_wp_error( $reply ) ) {
			return self::unavailable( $reply );
		}
		$status = (int) wp_remote_retrieve_response_code( $reply );
		$type   = strtolower( (string) wp_remote_retrieve_header( $reply, 'content-type' ) );
		$ours   = str_starts_with( $type, 'application/json' ) || str_starts_with( $type, 'text/event-stream' ) || str_starts_with( $type, 'text/plain' );
		if ( $status < 100 || ( $status >= 500 && ! $ours ) ) {
			// Not the bridge's answer (a proxy's error page, say): never show it to a shopper.
			return self::unavailable( new WP_Error( 'http_' . $status, 'status ' . $status ) );
		}
		$response = new WP_REST_Response( new Fahad_AI_Raw_Body( (string) wp_remote_retrieve_body( $reply ) ), $status );
		foreach ( self::RESPONSE_HEADERS as $name ) {
			$value = wp_remote_retrieve_header( $reply, $name );
			if ( is_array( $value ) ) {
				$value = implode( ', ', $value );
			}
			if ( '' !== $value ) {
				$response->header( $name, $value );
			}
		}
		$cart = wp_remote_retrieve_header( $reply, 'x-fahad-cart' );
		if ( is_string( $cart ) && '' !== $cart && ! class_exists( 'WooCommerce' ) && ! headers_sent() ) {
			$_COOKIE[ self::CART_COOKIE ] = $cart; // for the stream token minted with this answer
			setcookie(
				self::CART_COOKIE,
				$cart,
				array(
					'expires'  => time() + 30 * DAY_IN_SECONDS,
					'path'     => COOKIEPATH ? COOKIEPATH : '/',
					'secure'   => is_ssl(),
					'httponly' => true,
					'samesite' => 'Lax',
				)
			);
		}
		return $response;
	}

	/**
	 * The friendly error for a bridge that is down (502) or too slow (504).
	 *
	 * @param WP_Error $error What went wrong (logged, never shown).
	 */
	private static function unavailable( WP_Error $error ): WP_Error {
		$message = $error->get_error_message();
		$timeout = false !== stripos( $message, 'timed out' ) || false !== stripos( $message, 'cURL error 28' );
		if ( defined( 'WP_DEBUG_LOG' ) && WP_DEBUG_LOG ) {
			error_log( 'fahad-ai-bridge: the bridge did not answer: ' . $message ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log -- for the site owner.
		}
		return new WP_Error(
			'fahad_ai_bridge_unavailable',
			$timeout
				? __( 'The shopping assistant is taking too long to answer. Please try again in a moment.', 'fahad-ai-bridge' )
				: __( 'The shopping assistant is unavailable right now. Please try again in a moment.', 'fahad-ai-bridge' ),
			array( 'status' => $timeout ? 504 : 502 )
		);
	}

	/**
	 * rest_pre_serve_request: sends a relayed body as is (WordPress has sent the headers).
	 *
	 * @param bool                    $served  Whether already served.
	 * @param WP_HTTP_Response|mixed  $result  The response.
	 * @param WP_REST_Request|mixed   $request The request.
	 * @param WP_REST_Server|mixed    $server  The server.
	 */
	public static function serve_raw( $served, $result, $request, $server ): bool {
		if ( $served || ! $result instanceof WP_HTTP_Response || ! $result->get_data() instanceof Fahad_AI_Raw_Body ) {
			return (bool) $served;
		}
		echo $result->get_data()->bytes; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- the bridge's body, relayed byte for byte with its Content-Type.
		return true;
	}
}
