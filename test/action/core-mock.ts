// A stand-in for @actions/core: inputs come from `state.inputs`, and what the Action says (outputs,
// failures, warnings, notices, the job summary) is recorded for assertions.
export const state = {
  inputs: {} as Record<string, string>,
  outputs: {} as Record<string, string>,
  failed: [] as string[],
  warnings: [] as string[],
  notices: [] as string[],
  infos: [] as string[],
  summary: [] as string[],
};

export function resetCore(inputs: Record<string, string> = {}): typeof state {
  state.inputs = { "github-token": "ghs_test", "postmortem-dir": "docs/postmortems", ...inputs };
  state.outputs = {};
  state.failed = [];
  state.warnings = [];
  state.notices = [];
  state.infos = [];
  state.summary = [];
  return state;
}

const summary = {
  addHeading(text: string) {
    state.summary.push(`## ${text}`);
    return summary;
  },
  addRaw(text: string) {
    state.summary.push(text);
    return summary;
  },
  async write() {
    return summary;
  },
};

const text = (m: unknown) => (m instanceof Error ? m.message : String(m));

export const coreMock = {
  getInput: (name: string) => state.inputs[name] ?? "",
  setOutput: (name: string, value: unknown) => {
    state.outputs[name] = typeof value === "string" ? value : JSON.stringify(value);
  },
  setFailed: (m: unknown) => {
    state.failed.push(text(m));
  },
  warning: (m: unknown) => {
    state.warnings.push(text(m));
  },
  notice: (m: unknown) => {
    state.notices.push(text(m));
  },
  info: (m: unknown) => {
    state.infos.push(text(m));
  },
  summary,
};
