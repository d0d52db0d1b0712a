// The live result panel: progress bar, one mark per test, verdict, compile errors, sample diffs.
import { renderDiff } from "./diff.js";
import { renderTranscript } from "./transcript.js";

const VERDICT_NAMES = {
  AC: "Accepted",
  WA: "Wrong answer",
  TLE: "Time limit exceeded",
  MLE: "Memory limit exceeded",
  RE: "Run-time error",
  CE: "Compile error",
  OLE: "Output limit exceeded",
  IE: "Internal error — your teacher has been told",
};

export class ResultView {
  constructor(root) {
    this.root = root;
    this.el = (id) => root.querySelector(`#${id}`);
    this.reset(null, "submit");
  }

  reset(submissionId, kind) {
    this.submissionId = submissionId;
    this.kind = kind;
    this.judgementId = null;
    this.total = 0;
    this.tests = new Map(); // position -> test: a repeated event replaces, never duplicates
    this.status = "queued";
    this.summary = {};
  }

  start(submissionId, kind, total) {
    this.reset(submissionId, kind);
    this.total = total || 0;
    this.root.hidden = false;
    this.render();
  }

  get finished() {
    return this.status === "done" || this.status === "failed";
  }

  // A newer judgement (a rejudge) starts the marks afresh; frames of an older one are ignored.
  sameJudgement(judgementId) {
    if (judgementId == null) return true;
    if (this.judgementId == null || judgementId > this.judgementId) {
      if (this.judgementId != null) this.tests.clear();
      this.judgementId = judgementId;
      return true;
    }
    return judgementId === this.judgementId;
  }

  apply(frame) {
    if (frame.type === "submission.state") this.applyState(frame.submission);
    else if (frame.type === "submission.test") this.applyTest(frame);
    else if (frame.type === "submission.judging") {
      if (this.sameJudgement(frame.judgement_id) && !this.finished) this.status = "judging";
    } else if (frame.type === "submission.done") this.applyDone(frame);
    else return;
    this.render();
  }

  applyState(state) {
    if (!state || state.id !== this.submissionId) return;
    const judgement = state.judgement;
    if (judgement && !this.sameJudgement(judgement.id)) return;
    this.total = state.total_tests;
    for (const test of state.tests) this.tests.set(test.position, test);
    this.status = state.status;
    this.summary = { verdict: state.verdict, score: state.score, ...(judgement || {}) };
  }

  applyTest(event) {
    if (!this.sameJudgement(event.judgement_id)) return;
    const known = this.tests.get(event.position) || {};
    this.tests.set(event.position, { ...known, ...event });
    if (event.total) this.total = event.total;
    if (!this.finished) this.status = "judging";
  }

  applyDone(event) {
    if (!this.sameJudgement(event.judgement_id)) return;
    this.status = event.status || "done";
    this.summary = { ...this.summary, ...event };
  }

  render() {
    const ran = this.tests.size;
    const total = Math.max(this.total, ran);
    const bar = this.el("progress");
    bar.max = Math.max(total, 1);
    bar.value = this.finished ? bar.max : ran;
    this.el("result-title").textContent =
      this.kind === "samples" ? "Run on samples" : `Submission #${this.submissionId}`;
    let text = "Waiting for a judge…";
    if (this.status === "judging") text = ran ? `test ${ran} of ${total}` : "Compiling…";
    if (this.finished) text = `${ran} of ${total} tests ran`;
    this.el("progress-text").textContent = text;
    this.renderMarks(total);
    this.renderVerdict();
  }

  renderMarks(total) {
    const marks = this.el("marks");
    marks.replaceChildren();
    for (let position = 1; position <= total; position += 1) {
      const test = this.tests.get(position);
      const mark = document.createElement("li");
      mark.className = test ? `mark v-${test.verdict}` : "mark pending";
      mark.dataset.position = String(position);
      mark.textContent = test ? test.verdict : "·";
      if (test) {
        mark.dataset.verdict = test.verdict;
        mark.title = `${test.name || `test ${position}`}: ${test.verdict} · ${test.time_ms} ms · ${test.memory_kb} KB`;
      } else {
        mark.title = `test ${position}: ${this.finished ? "not run" : "waiting"}`;
      }
      marks.append(mark);
    }
  }

  renderVerdict() {
    const verdict = this.el("verdict");
    const compile = this.el("compile-output");
    const diffs = this.el("sample-diffs");
    const link = this.el("result-link");
    link.href = `/submissions/${this.submissionId}`;
    link.hidden = !this.submissionId;
    if (!this.finished) {
      verdict.textContent = "";
      delete verdict.dataset.verdict;
      compile.hidden = true;
      diffs.replaceChildren();
      return;
    }
    const code = this.summary.verdict || "IE";
    verdict.dataset.verdict = code;
    verdict.className = `verdict v-${code}`;
    const parts = [`${code} · ${VERDICT_NAMES[code] || code}`];
    if (this.kind !== "samples") parts.push(`score ${Math.round(this.summary.score ?? 0)}`);
    if (this.summary.time_ms != null) parts.push(`${this.summary.time_ms} ms`);
    if (this.summary.memory_kb != null) parts.push(`${this.summary.memory_kb} KB`);
    verdict.textContent = parts.join(" · ");
    if (this.summary.overridden && this.summary.override_reason) {
      verdict.append(` (set by a teacher: ${this.summary.override_reason})`);
    }
    const output = this.summary.compile_output || "";
    compile.hidden = !(code === "CE" && output);
    compile.textContent = output;
    const samples = [...this.tests.values()].filter((test) => test.sample);
    diffs.replaceChildren(
      // Interactive problems: every sample's interaction, passed or not.
      ...samples.filter((test) => test.interaction !== undefined).map(renderTranscript),
      ...samples
        .filter((test) => test.verdict !== "AC" && test.expected !== undefined)
        .map(renderDiff),
    );
  }
}
