import { constants } from "node:buffer";
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createApp } from "../../index.js";
import { fixturePredictor } from "../../test-support/fixture-predictor.js";
import { predictionRecord } from "../../test-support/prediction-record.js";
import type { Prediction } from "./prediction.js";
import { JOURNAL_FILE, type JournalEntry, PredictionJournal } from "./prediction-journal.js";

describe("prediction journal", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("starts from a journal larger than the longest string V8 can hold, and re-runs what was unfinished", async () => {
    // In memory where there is a tmpfs: 560 MB are written and read back.
    const base = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
    dir = mkdtempSync(join(base, "servekit-journal-big-"));
    const path = join(dir, JOURNAL_FILE);
    // 31 finished predictions with 18 MB inputs: past V8's string limit, which
    // reading the file into one string (as start-up once did) cannot pass.
    const big = "A".repeat(18 * 1024 * 1024);
    const fd = openSync(path, "w");
    let bytes = 0;
    const line = (entry: JournalEntry) => {
      bytes += writeSync(fd, `${JSON.stringify(entry)}\n`);
    };
    line({ op: "create", prediction: predictionRecord("early", "starting", { text: "early" }) });
    for (let i = 0; i < 31; i++) {
      const done = predictionRecord(`big-${i}`, "succeeded", { text: `big ${i}`, blob: "" });
      const [head, tail] = JSON.stringify({ op: "create", prediction: done }).split('"blob":""');
      bytes += writeSync(fd, `${head}"blob":"`);
      bytes += writeSync(fd, big);
      bytes += writeSync(fd, `"${tail}\n`);
    }
    line({ op: "create", prediction: predictionRecord("late", "starting", { text: "late" }) });
    line({ op: "update", id: "late", changes: { status: "processing" } });
    closeSync(fd);
    expect(bytes).toBeGreaterThan(constants.MAX_STRING_LENGTH);

    const app = createApp(fixturePredictor, {
      logLevel: "silent",
      metrics: false,
      journalDir: dir,
      asyncRetainedInputBytes: 40 * 1024 * 1024,
    });
    try {
      await app.lifecycle.ready;
      for (const id of ["early", "late"]) {
        let p: Prediction | undefined;
        for (let i = 0; i < 200 && p?.status !== "succeeded"; i++) {
          p = (await (await app.request(`/predictions/${id}`)).json()) as Prediction;
          await new Promise((r) => setTimeout(r, 10));
        }
        expect(p).toMatchObject({ status: "succeeded", output: { text: id }, input: { text: id } });
      }
      // Every finished prediction is still readable; only the newest inputs
      // fit the 40 MB budget, and the compacted journal holds no more than that.
      const newest = (await (await app.request("/predictions/big-30")).json()) as Prediction;
      expect(newest.input?.blob).toHaveLength(big.length);
      const oldest = (await (await app.request("/predictions/big-0")).json()) as Prediction;
      expect(oldest).toMatchObject({ status: "succeeded", input: null });
      expect(statSync(path).size).toBeLessThan(40 * 1024 * 1024 + 100_000);
    } finally {
      await app.lifecycle.close();
    }
  }, 120_000);

  it("compacts itself while running, keeping every prediction's last state", async () => {
    dir = mkdtempSync(join(tmpdir(), "servekit-journal-compact-"));
    const path = join(dir, JOURNAL_FILE);
    const state = new Map<string, Prediction>();
    const apply = (entry: JournalEntry) => {
      if (entry.op === "create") state.set(entry.prediction.id, entry.prediction);
      else {
        const current = state.get(entry.id);
        if (current) state.set(entry.id, { ...current, ...entry.changes });
      }
      return true;
    };
    const open = (replayed: Map<string, Prediction>) =>
      PredictionJournal.open({
        dir: dir as string,
        log: pino({ level: "silent" }),
        compactAtBytes: 4096,
        replay: (entry) => {
          if (entry.op === "create") replayed.set(entry.prediction.id, entry.prediction);
          else {
            const current = replayed.get(entry.id);
            if (current) replayed.set(entry.id, { ...current, ...entry.changes });
          }
          return true;
        },
        snapshot: () => [...state.values()],
      });
    const { journal } = open(new Map());
    const appends: Promise<void>[] = [];
    const record = (entry: JournalEntry) => {
      apply(entry);
      appends.push(journal.append(entry));
    };
    let largest = 0;
    for (let i = 0; i < 20; i++) {
      record({
        op: "create",
        prediction: predictionRecord(`p${i}`, "starting", { text: `p${i}` }),
      });
      for (let n = 0; n < 30; n++) {
        record({ op: "update", id: `p${i}`, changes: { logs: `line ${n}\n` } });
        await appends.at(-1);
        largest = Math.max(largest, statSync(path).size);
      }
      record({ op: "update", id: `p${i}`, changes: { status: "succeeded" } });
    }
    await Promise.all(appends);
    await journal.close();
    // 620 lines of ~100 bytes were written; the file never held more than
    // twice its live content (20 predictions of ~400 bytes) plus one step.
    expect(largest).toBeLessThan(2 * 20 * 500 + 500);
    const replayed = new Map<string, Prediction>();
    const reopened = open(replayed);
    await reopened.journal.close();
    expect(replayed).toEqual(state);
    expect(readFileSync(path, "utf8").trim().split("\n")).toHaveLength(20);
  });
});
