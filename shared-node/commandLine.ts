import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

/**
 * Every command line of the product answers the same way: `-h`/`--help` prints its help and exits
 * 0; an unknown option, a missing value or a stray argument prints why, then the help, and exits 2
 * (never a stack trace).
 */
export function parseCommandLine<const O extends Options, const P extends boolean = false>(
  help: string,
  config: { options: O; allowPositionals?: P },
  args: string[] = process.argv.slice(2),
) {
  const options = { ...config.options, ...HELP_OPTION } as O & typeof HELP_OPTION;
  let parsed;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: (config.allowPositionals ?? false) as P });
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${help}`);
    process.exit(2);
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(help);
    process.exit(0);
  }
  return parsed;
}
