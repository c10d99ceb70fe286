import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { LogLines, logLinesOf } from "./log-lines.js";
import { createLogger } from "./logger.js";

const exitFixture = fileURLToPath(new URL("./test-support/log-lines-exit.ts", import.meta.url));

/** A LogLines over a sink that records each write (one write = one system call). */
function recorded() {
  const writes: string[] = [];
  const lines = new LogLines({ write: (text: string) => writes.push(text) });
  const log = pino({ base: null, timestamp: false }, lines);
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
  return { writes, lines, log, nextTurn };
}

const line = (msg: string, extra: object = {}, level = 30) =>
  `${JSON.stringify({ level, ...extra, msg })}\n`;

describe("LogLines", () => {
  it("writes a line at once when nothing holds it", () => {
    const { writes, log } = recorded();
    log.info("ready");
    expect(writes).toEqual([line("ready")]);
  });

  it("holds the lines of one turn and writes them in one write, then sends the answers, in order", async () => {
    const { writes, lines, log, nextTurn } = recorded();
    const events: string[] = [];
    for (const id of ["a", "b", "c"]) {
      lines.logThen(
        () => log.info({ id }, "request"),
        () => events.push(`answer ${id} after ${writes.length} write(s)`),
      );
    }
    expect(writes).toEqual([]);
    expect(events).toEqual([]);
    await nextTurn();
    expect(writes).toEqual([
      line("request", { id: "a" }) + line("request", { id: "b" }) + line("request", { id: "c" }),
    ]);
    expect(events).toEqual([
      "answer a after 1 write(s)",
      "answer b after 1 write(s)",
      "answer c after 1 write(s)",
    ]);
  });

  it("keeps the order lines were logged in when a line is written at once meanwhile", async () => {
    const { writes, lines, log, nextTurn } = recorded();
    let answered = false;
    lines.logThen(
      () => log.info("request"),
      () => {
        answered = true;
      },
    );
    log.error("worker exited");
    expect(writes).toEqual([line("request") + line("worker exited", {}, 50)]);
    // The answer still waits for the end of the turn.
    expect(answered).toBe(false);
    await nextTurn();
    expect(answered).toBe(true);
    expect(writes).toHaveLength(1);
  });

  it("answers at once when the level is off and nothing is held", () => {
    const { writes, lines, log } = recorded();
    log.level = "warn";
    let answered = false;
    lines.logThen(
      () => log.info("request"),
      () => {
        answered = true;
      },
    );
    expect(answered).toBe(true);
    expect(writes).toEqual([]);
  });

  it("sends every answer when one of them throws, then reports that error", () => {
    const { lines, log } = recorded();
    const answered: string[] = [];
    lines.logThen(
      () => log.info("a"),
      () => {
        throw new Error("socket gone");
      },
    );
    lines.logThen(
      () => log.info("b"),
      () => answered.push("b"),
    );
    expect(() => lines.flushSync()).toThrow("socket gone");
    expect(answered).toEqual(["b"]);
  });

  it("still sends the answers when the write fails, then reports that error", () => {
    const lines = new LogLines({
      write: () => {
        throw new Error("EPIPE");
      },
    });
    const log = pino({ base: null }, lines);
    let answered = false;
    lines.logThen(
      () => log.info("request"),
      () => {
        answered = true;
      },
    );
    expect(() => lines.flushSync()).toThrow("EPIPE");
    expect(answered).toBe(true);
  });

  it("is what servekit's JSON loggers write through; another pino logger writes, then answers, at once", () => {
    expect(logLinesOf(createLogger({ level: "info" }))).toBeInstanceOf(LogLines);
    const writes: string[] = [];
    const own = pino(
      { base: null, timestamp: false },
      { write: (text: string) => writes.push(text) },
    );
    const events: string[] = [];
    logLinesOf(own).logThen(
      () => own.info("request"),
      () => events.push(`answer after ${writes.length} write(s)`),
    );
    expect(events).toEqual(["answer after 1 write(s)"]);
  });

  it.each([0, 1])(
    "writes held lines when the process exits (code %i) in the same turn, and sends no answer",
    (code) => {
      let stdout = "";
      try {
        stdout = execFileSync(process.execPath, ["--import", "tsx", exitFixture, String(code)], {
          encoding: "utf8",
        });
      } catch (error) {
        stdout = (error as { stdout: string }).stdout;
      }
      expect(
        stdout
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l).msg),
      ).toEqual(["written at once", "request"]);
    },
  );
});
