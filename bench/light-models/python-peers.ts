// The Python peers come from Debian's packages, run with /usr/bin/python3
// (not a pyenv or virtualenv python3 that may come first on PATH). Installs
// them with apt-get when an import fails, and reads their versions for the
// results.
import { execFileSync, spawn } from "node:child_process";

/** The interpreter every Python peer runs under. */
export const PYTHON = "/usr/bin/python3";

/** Debian packages the peers need: FastAPI + uvicorn[standard], Flask + gunicorn, scikit-learn, onnx. */
export const DEBIAN_PACKAGES = [
  "python3-fastapi",
  "python3-uvicorn",
  "python3-uvloop",
  "python3-httptools",
  "python3-flask",
  "gunicorn",
  "python3-sklearn",
  "python3-onnx",
] as const;

const IMPORT_CHECK = "import fastapi, uvicorn, uvloop, httptools, flask, sklearn, onnx";

function missingPieces(): string[] {
  const missing: string[] = [];
  try {
    execFileSync(PYTHON, ["-c", IMPORT_CHECK], { stdio: "pipe" });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? error);
    missing.push(`${PYTHON} -c "${IMPORT_CHECK}" failed: ${stderr.trim().split("\n").at(-1)}`);
  }
  if (gunicornPath() === undefined) missing.push("gunicorn is not on PATH");
  return missing;
}

/** Where gunicorn is, or undefined. */
export function gunicornPath(): string | undefined {
  try {
    return (
      execFileSync("sh", ["-c", "command -v gunicorn"], { encoding: "utf8" }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}

/**
 * Makes sure the Python peers can run: when an import or gunicorn is
 * missing, runs `apt-get install` for {@link DEBIAN_PACKAGES}, passing its
 * output through; throws with the command to run by hand when that fails.
 *
 * @example
 * await ensurePythonPeers(); // prints nothing when all is installed
 */
export async function ensurePythonPeers(): Promise<void> {
  const missing = missingPieces();
  if (missing.length === 0) return;
  const command = ["apt-get", "install", "-y", "--no-install-recommends", ...DEBIAN_PACKAGES];
  const byHand = `sudo apt-get update && sudo ${command.join(" ")}`;
  process.stdout.write(
    `Python peers missing (${missing.join("; ")}); installing Debian packages: ${command.join(" ")}\n`,
  );
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(command[0]!, command.slice(1), {
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    child.once("error", () => resolve(-1));
    child.once("exit", resolve);
  });
  const still = code === 0 ? missingPieces() : missing;
  if (code !== 0 || still.length > 0) {
    throw new Error(
      `could not install the Python peers (apt-get exited with ${code}; ${still.join("; ")}). Run by hand, as root: ${byHand}`,
    );
  }
  process.stdout.write("Python peers installed.\n");
}

/** Installed Debian version of each package in {@link DEBIAN_PACKAGES}, plus python's own. */
export function pythonPeerVersions(): Record<string, string> {
  const versions: Record<string, string> = {
    python: execFileSync(PYTHON, ["-c", "import platform; print(platform.python_version())"], {
      encoding: "utf8",
    }).trim(),
  };
  for (const name of DEBIAN_PACKAGES) {
    try {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query format
      versions[name] = execFileSync("dpkg-query", ["-W", "-f=${Version}", name], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }).trim();
    } catch {
      versions[name] = "not a Debian package here";
    }
  }
  return versions;
}
