// The one Node global these scripts use (no @types/node needed for reading the environment).
declare const process: { env: Record<string, string | undefined> };
