/** Security headers for the renderer: nothing but this origin (and the intake) may be contacted. */
export function contentSecurityPolicy(intakeUrl: string | undefined): string {
  return [
    "default-src 'self'",
    // WebAssembly only (libsodium's sealed box for callback phones); JS eval stays forbidden.
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self'${intakeUrl ? ` ${new URL(intakeUrl).origin}` : ''}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}

