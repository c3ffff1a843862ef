/** The part of madge 8's Node API that lint/importCycles.test.ts uses (madge ships no types). */
declare module 'madge' {
  interface MadgeConfig {
    baseDir?: string;
    fileExtensions?: string[];
    tsConfig?: string;
    excludeRegExp?: RegExp[];
    detectiveOptions?: Record<string, Record<string, boolean>>;
  }
  interface MadgeResult {
    /** file → the files it imports, relative to baseDir */
    obj(): Record<string, string[]>;
    /** each cycle as the files along it */
    circular(): string[][];
    /** imports it could not resolve to a file */
    warnings(): { skipped: string[] };
  }
  export default function madge(paths: string | string[], config?: MadgeConfig): Promise<MadgeResult>;
}
