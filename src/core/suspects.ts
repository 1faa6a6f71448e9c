// Suspect ranking: which changes that landed before an incident most likely caused it. Pure.
import type { Change, Deployment } from "./model.js";

export interface IncidentText {
  title: string;
  body: string;
  labels: string[];
}

export interface Suspect {
  change: Change;
  /** Higher = more suspicious; deterministic. */
  score: number;
  /** One line, human, at most 3 factors separated by " · ". */
  reason: string;
  /** reference - change.landedAt (>= 0). */
  ageMs: number;
  /** The most recent deployment of exactly this sha at or before the reference, else the most recent after it. */
  deployment: Deployment | null;
}

/*
 * Weights, in points; a suspect's score is their sum, rounded to 0.1:
 *   recency       0–20, linear: 20 when landing at the reference, 0 at the start of the window
 *   path match    30 for the first incident word found in the changed paths, +10 per further word, max 50
 *   title match   8 per incident word in the PR title / commit headline, max 16
 *                 (words found only in the incident body count 0.6× in both matches)
 *   risky paths   migration 15, dependencies 10, CI/deploy 10, configuration 10 (each category once)
 *   deployed      15 to a production environment at or before the reference, 5 to any other one
 *   direct push   5 (landed without a pull request, so without review)
 *   size          min(10, 0.6·log2(1 + lines changed) + 0.4·log2(1 + files changed))
 * A path match outweighs recency alone, so "Checkout returns 500" puts src/checkout/ first.
 */
const W = {
  recency: 20,
  pathFirst: 30,
  pathMore: 10,
  pathMax: 50,
  title: 8,
  titleMax: 16,
  bodyOnly: 0.6,
  risk: { migration: 15, dependencies: 10, ci: 10, config: 10 },
  deployProduction: 15,
  deployOther: 5,
  directPush: 5,
  sizeMax: 10,
} as const;

const MAX_REASON = 139;

// ---------------------------------------------------------------------------------------------
// Words

const STOP_WORDS = [
  // English
  "the and for with from into onto this that these those are was were been being has have had not",
  "but all any can cannot could should would will does did doing its our your their they them then",
  "than there here when what which who whom why how where after before since while during about above",
  "below over under again also just only some more most very too each every out off use using via per",
  "new old see get got set now yes you she him her his one two many much other such same own still",
  "can't don't doesn't isn't won't since seems seem like",
  // incident noise
  "incident outage error fail failing failed failure broken down issue problem bug sev sev1 sev2 sev3",
  "sev4 severity impact summary description detail started start happen happened happening seeing",
  "investigating identified monitoring resolved http https www com org github area team kind priority",
  // change noise
  "fix feat chore refactor bump update add remove change improve support handle merge pull request",
  "branch main master",
  // path noise
  "src lib libs test tests spec specs index app dist build pkg cmd internal source file files util",
  "utils helper helpers common shared core mod module modules package packages vendor",
  "tsx jsx mjs cjs json yml yaml toml ini txt html css scss less java swift cpp hpp php sql lock cfg",
  "conf xml gradle properties bash proto svg png jpg jpeg gif snap markdown",
]
  .join(" ")
  .split(" ");

/** Simple plural folding, plus a trailing "e", so payments/payment and caches/cache meet. */
function stem(word: string): string {
  let w = word;
  if (w.length > 4 && w.endsWith("ies")) w = `${w.slice(0, -3)}y`;
  else if (w.length > 4 && /(?:s|x|z|ch|sh)es$/.test(w)) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith("s") && !/(?:ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.length > 4 && w.endsWith("e")) w = w.slice(0, -1);
  return w;
}

const STOP = new Set([...STOP_WORDS, ...STOP_WORDS.map(stem)]);

/** [stem, surface word] pairs of a text, in order, unique by stem. */
function words(text: string): Array<[string, string]> {
  const spaced = text.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2");
  const out = new Map<string, string>();
  for (const raw of spaced.toLowerCase().split(/[^\p{L}\p{N}']+/u)) {
    const word = raw.replace(/^'+|'+$/g, "");
    if (word.length < 3 || /^\d+$/.test(word) || STOP.has(word)) continue;
    const s = stem(word.replace(/'/g, ""));
    if (s.length < 3 || STOP.has(s) || out.has(s)) continue;
    out.set(s, word);
  }
  return [...out];
}

/**
 * The comparable words of a text or path: split on non-letters (`/ . _ -` …) and camelCase,
 * lower-cased, without stop-words, numbers and words under 3 letters, plurals folded.
 */
export function tokenize(text: string): string[] {
  return words(text).map(([s]) => s);
}

/** Incident words by stem: surface form and weight (1 for title and labels, less for the body). */
function incidentWords(incident: IncidentText): Map<string, { word: string; weight: number }> {
  const out = new Map<string, { word: string; weight: number }>();
  const labels = incident.labels.filter((l) => !l.toLowerCase().startsWith("incident/"));
  for (const [s, word] of words(`${incident.title} ${labels.join(" ")}`)) out.set(s, { word, weight: 1 });
  for (const [s, word] of words(incident.body)) {
    if (!out.has(s)) out.set(s, { word, weight: W.bodyOnly });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Paths

export type RiskKind = keyof typeof W.risk;

const DEPENDENCY_FILES = new Set([
  "package.json",
  "package-lock.json",
  "npm-shrinkwrap.json",
  "yarn.lock",
  "pnpm-lock.yaml",
  "pnpm-workspace.yaml",
  "bun.lockb",
  "bun.lock",
  "go.mod",
  "go.sum",
  "cargo.toml",
  "cargo.lock",
  "gemfile",
  "gemfile.lock",
  "pipfile",
  "pipfile.lock",
  "poetry.lock",
  "pyproject.toml",
  "uv.lock",
  "composer.json",
  "composer.lock",
  "pom.xml",
  "build.gradle",
  "build.gradle.kts",
  "settings.gradle",
  "gradle.lockfile",
  "mix.exs",
  "mix.lock",
  "packages.config",
  "directory.packages.props",
  "podfile.lock",
  "package.resolved",
]);

/** Which risky category a path falls into, most dangerous first; null for ordinary code. */
export function riskOf(path: string): RiskKind | null {
  const p = path.toLowerCase();
  const base = p.slice(p.lastIndexOf("/") + 1);
  if (
    /(?:^|\/)(?:migrations?|migrate|alembic|flyway|liquibase)(?:\/|$)/.test(p) ||
    /migrat/.test(base) ||
    base.endsWith(".sql") ||
    base === "schema.prisma" ||
    base === "schema.rb"
  )
    return "migration";
  if (DEPENDENCY_FILES.has(base) || /^requirements.*\.(?:txt|in)$/.test(base) || /\.csproj$/.test(base))
    return "dependencies";
  if (
    p.startsWith(".github/workflows/") ||
    /(?:^|\/)(?:\.circleci|helm|charts|k8s|kubernetes|terraform|deploy|deployment|\.buildkite)\//.test(p) ||
    /^(?:dockerfile|containerfile)/.test(base) ||
    /(?:^|\.)dockerfile$/.test(base) ||
    /^docker-compose.*\.ya?ml$/.test(base) ||
    /\.(?:tf|tfvars)$/.test(base) ||
    ["jenkinsfile", ".gitlab-ci.yml", "procfile", "fly.toml", "app.yaml", "skaffold.yaml"].includes(base)
  )
    return "ci";
  if (
    /(?:^|\/)(?:config|configs|conf|settings)\//.test(p) ||
    /\.(?:ya?ml|toml|ini|conf|cfg|properties)$/.test(base) ||
    base.startsWith(".env") ||
    /(?:^|[._-])(?:config|settings)(?:[._-]|$)/.test(base)
  )
    return "config";
  return null;
}

const RISK_TEXT: Record<RiskKind, string> = {
  migration: "changes a migration",
  dependencies: "changes dependencies",
  ci: "changes CI/deploy",
  config: "changes config",
};

/** What one path says about an incident: its risk, the incident words it contains, how to show it. */
interface PathInfo {
  risk: RiskKind | null;
  matched: string[];
  /** The path up to the deepest segment with a match: `src/checkout/`, or the whole path. */
  shown: string;
}

function pathInfo(path: string, wanted: ReadonlyMap<string, unknown>): PathInfo {
  const segments = path.split("/");
  const matched: string[] = [];
  let depth = -1;
  segments.forEach((segment, i) => {
    for (const s of tokenize(segment)) {
      if (wanted.has(s) && !matched.includes(s)) {
        matched.push(s);
        depth = i;
      }
    }
  });
  const shown = depth >= segments.length - 1 ? path : `${segments.slice(0, depth + 1).join("/")}/`;
  return { risk: riskOf(path), matched, shown };
}

function clip(text: string, max: number): string {
  return text.length > max ? `…${text.slice(text.length - max + 1)}` : text;
}

// ---------------------------------------------------------------------------------------------
// Time

/** `<1 min`, `45 min`, `3 h`, `2 d`. */
export function shortDuration(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 1) return "<1 min";
  if (min < 60) return `${min} min`;
  const h = Math.round(ms / 3_600_000);
  if (h < 48) return `${h} h`;
  return `${Math.round(ms / 86_400_000)} d`;
}

const PRODUCTION = /(?:^|[^a-z])(?:prod|production|live)(?:[^a-z]|$)/i;
const FAILED_STATES = new Set(["failure", "error"]);

// ---------------------------------------------------------------------------------------------
// Ranking

interface Factor {
  points: number;
  text: string | null;
  /** Always shown: deployment and direct push are facts the responder must see. */
  keep?: boolean;
}

export function rankSuspects(input: {
  changes: Change[];
  deployments: Deployment[];
  incident: IncidentText;
  reference: Date;
  windowMs: number;
}): Suspect[] {
  const ref = input.reference.getTime();
  const windowMs = Math.max(0, input.windowMs);
  const wanted = incidentWords(input.incident);
  const paths = new Map<string, PathInfo>();
  const deploymentsBySha = new Map<string, Deployment[]>();
  for (const d of input.deployments) {
    const list = deploymentsBySha.get(d.sha) ?? [];
    list.push(d);
    deploymentsBySha.set(d.sha, list);
  }

  const suspects: Suspect[] = [];
  for (const change of input.changes) {
    const ageMs = ref - change.landedAt.getTime();
    if (!(ageMs >= 0 && ageMs <= windowMs)) continue;

    const factors: Factor[] = [];

    // Path overlap: the best path is the one matching most incident words.
    let best: PathInfo | null = null;
    const pathMatches = new Set<string>();
    const risks = new Map<RiskKind, string>();
    for (const path of change.paths) {
      let info = paths.get(path);
      if (!info) {
        info = pathInfo(path, wanted);
        paths.set(path, info);
      }
      if (info.risk && !risks.has(info.risk)) risks.set(info.risk, path);
      if (info.matched.length === 0) continue;
      for (const s of info.matched) pathMatches.add(s);
      if (
        !best ||
        info.matched.length > best.matched.length ||
        (info.matched.length === best.matched.length && info.shown.length < best.shown.length)
      )
        best = info;
    }
    if (best) {
      const weights = [...pathMatches].map((s) => wanted.get(s)?.weight ?? 0).sort((a, b) => b - a);
      const points = Math.min(
        W.pathMax,
        weights.reduce((sum, w, i) => sum + w * (i === 0 ? W.pathFirst : W.pathMore), 0),
      );
      const quoted = best.matched
        .slice(0, 2)
        .map((s) => `“${wanted.get(s)?.word}”`)
        .join(", ");
      factors.push({ points, text: `touches ${clip(best.shown, 50)} (matches ${quoted})` });
    }

    // PR title / commit headline, weaker; only words the path match did not already show.
    const titleText = change.pullRequest ? `${change.pullRequest.title} ${change.headline}` : change.headline;
    const titleMatches = tokenize(titleText).filter((s) => wanted.has(s));
    if (titleMatches.length > 0) {
      const points = Math.min(
        W.titleMax,
        titleMatches.reduce((sum, s) => sum + W.title * (wanted.get(s)?.weight ?? 0), 0),
      );
      const fresh = titleMatches.filter((s) => !pathMatches.has(s)).slice(0, 2);
      const text =
        fresh.length > 0 ? `title mentions ${fresh.map((s) => `“${wanted.get(s)?.word}”`).join(", ")}` : null;
      factors.push({ points, text });
    }

    for (const [kind, path] of risks) {
      const base = clip(path.slice(path.lastIndexOf("/") + 1), 30);
      factors.push({ points: W.risk[kind], text: `${RISK_TEXT[kind]} (${base})` });
    }

    // Deployment of exactly this sha.
    const deployment = pickDeployment(deploymentsBySha.get(change.sha), ref);
    if (deployment && deployment.createdAt.getTime() <= ref && !FAILED_STATES.has(deployment.state ?? "")) {
      const production = PRODUCTION.test(deployment.environment);
      const before = shortDuration(ref - deployment.createdAt.getTime());
      factors.push({
        points: production ? W.deployProduction : W.deployOther,
        text: `deployed to ${clip(deployment.environment, 30)} ${before} before`,
        keep: true,
      });
    }

    if (!change.pullRequest) {
      factors.push({ points: W.directPush, text: "direct push, no pull request", keep: true });
    }

    const lines = Math.max(0, change.additions) + Math.max(0, change.deletions);
    const files = change.paths.length;
    const size = Math.min(W.sizeMax, 0.6 * Math.log2(1 + lines) + 0.4 * Math.log2(1 + files));
    const large = lines >= 500 || files >= 25;
    const fileText = `${change.pathsTruncated ? `${files}+` : files} files`;
    factors.push({
      points: size,
      text: large
        ? `large change (${String(lines).replace(/\B(?=(\d{3})+(?!\d))/g, ",")} lines, ${fileText})`
        : null,
    });

    const recency = windowMs === 0 ? W.recency : W.recency * (1 - ageMs / windowMs);
    const total = recency + factors.reduce((sum, f) => sum + f.points, 0);
    suspects.push({
      change,
      score: Math.round(total * 10) / 10,
      reason: reasonOf(factors, ageMs),
      ageMs,
      deployment,
    });
  }

  return suspects.sort(
    (a, b) =>
      b.score - a.score ||
      a.ageMs - b.ageMs ||
      (a.change.sha < b.change.sha ? -1 : a.change.sha > b.change.sha ? 1 : 0),
  );
}

function pickDeployment(list: Deployment[] | undefined, ref: number): Deployment | null {
  if (!list) return null;
  let before: Deployment | null = null;
  let after: Deployment | null = null;
  for (const d of list) {
    const t = d.createdAt.getTime();
    if (t <= ref) {
      if (!before || t > before.createdAt.getTime()) before = d;
    } else if (!after || t > after.createdAt.getTime()) after = d;
  }
  return before ?? after;
}

/** The strongest 1–3 factors with text, strongest first; kept facts always make the cut. */
function reasonOf(factors: Factor[], ageMs: number): string {
  const ranked = factors
    .filter((f): f is Factor & { text: string } => f.text !== null)
    .sort((a, b) => b.points - a.points);
  const kept = ranked.filter((f) => f.keep).slice(0, 3);
  const chosen = [...kept, ...ranked.filter((f) => !f.keep).slice(0, 3 - kept.length)];
  // Paths and environment names are the only user text here: drop "@" so nothing can mention anyone.
  const join = () =>
    chosen
      .sort((a, b) => b.points - a.points)
      .map((f) => f.text)
      .join(" · ")
      .replace(/@/g, "");
  let reason = chosen.length > 0 ? join() : `landed ${shortDuration(ageMs)} before`;
  while (reason.length > MAX_REASON && chosen.length > 1) {
    let weakest = chosen.length - 1;
    while (weakest > 0 && chosen[weakest]?.keep) weakest--;
    chosen.splice(weakest, 1);
    reason = join();
  }
  return reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON - 1)}…` : reason;
}
