/** Where the local pipeline finds the project's tools. */
import { existsSync } from "node:fs";
import path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** The virtualenv's python (pyspark, moto, duckdb); a clear error when set-up has not run. */
export function venvPython(): string {
  const venv = process.env.VENV ?? path.join(REPO_ROOT, ".venv");
  const python = path.join(venv, "bin", "python");
  if (!existsSync(python)) {
    throw new Error(`${python} not found: run ./scripts/setup.sh (it creates the virtualenv with moto and pyspark)`);
  }
  return python;
}
