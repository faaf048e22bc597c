// Majority judgment (Balinski and Laraki, "Majority Judgment", MIT Press 2011): each voter
// grades every candidate; a candidate's majority grade is the lower median of its grades;
// candidates are ranked by majority grade, and a tie is broken by removing one vote at the
// majority grade from each tied candidate and comparing again, as often as needed.
// Browser-safe: the API's results, the results page and the observer recount share it.
// PROTOCOL.md §2.3 (scale) and §6.3 (counts: `counts[candidate * MJ_GRADE_COUNT + grade]`).

/** Votes per grade, worst (0) to best; `profile[g]` voters gave grade g. */
export type MeritProfile = readonly number[];

export type MajorityJudgmentCandidate = {
  index: number;
  profile: number[];
  /** Number of grades given (equal for every candidate of one ballot). */
  total: number;
  /** Lower median grade; null when nobody voted. */
  majorityGrade: number | null;
  /** 1 for the best; candidates the tie-break cannot separate (same profile) share a rank. */
  rank: number;
};

export type MajorityJudgmentResult = {
  /** In the order of the ballot's candidates. */
  candidates: MajorityJudgmentCandidate[];
  /** Candidate indices from best to worst (tied candidates by index). */
  ranking: number[];
  /** The winner's index; null when nobody voted or the best candidates have identical profiles. */
  winner: number | null;
};

function checkProfile(profile: MeritProfile, name: string): number {
  let total = 0;
  for (const [g, count] of profile.entries()) {
    if (!Number.isSafeInteger(count) || count < 0) throw new TypeError(`${name}[${g}] must be a non-negative safe integer`);
    total += count;
  }
  if (profile.length === 0) throw new TypeError(`${name} must have at least one grade`);
  return total;
}

/** Grade at `position` (0-based) of the grades sorted worst to best. */
function gradeAt(profile: MeritProfile, position: number): { grade: number; start: number; end: number } {
  let below = 0;
  for (let g = 0; g < profile.length; g++) {
    if (position < below + profile[g]) return { grade: g, start: below, end: below + profile[g] - 1 };
    below += profile[g];
  }
  throw new RangeError("gradeAt: position out of range");
}

/** The majority grade: the lower median (the higher of the two middle grades is never used). */
export function majorityGrade(profile: MeritProfile): number | null {
  const total = checkProfile(profile, "profile");
  return total === 0 ? null : gradeAt(profile, Math.floor((total - 1) / 2)).grade;
}

/**
 * Compares two candidates graded by the same voters: > 0 when `a` ranks above `b`, < 0 below,
 * 0 when the tie-break cannot separate them (identical profiles).
 *
 * Removing the lower median again and again reads the sorted grades from the middle outward:
 * positions m, m-1, m+1, m-2, m+2... for an odd count and m, m+1, m-1, m+2, m-2... for an even
 * one, m = floor((n-1)/2). So the first difference between two candidates is found on each
 * side of the middle separately, stepping from one grade boundary to the next (at most one
 * step per grade), and the side whose difference comes first in that order decides.
 */
export function compareCandidates(a: MeritProfile, b: MeritProfile): number {
  const n = checkProfile(a, "a");
  if (checkProfile(b, "b") !== n) throw new TypeError("compareCandidates: both candidates must have the same number of grades");
  if (n === 0) return 0;
  const m = Math.floor((n - 1) / 2);
  const odd = n % 2 === 1;

  // Lower side: positions m, m-1, ..., 0 at distance d = m - position.
  let lower: { d: number; sign: number } | undefined;
  for (let p = m; p >= 0; ) {
    const ga = gradeAt(a, p), gb = gradeAt(b, p);
    if (ga.grade !== gb.grade) {
      lower = { d: m - p, sign: Math.sign(ga.grade - gb.grade) };
      break;
    }
    p = Math.max(ga.start, gb.start) - 1;
  }
  // Upper side: positions m+1, ..., n-1 at distance d = position - (m+1).
  let upper: { d: number; sign: number } | undefined;
  for (let p = m + 1; p < n; ) {
    const ga = gradeAt(a, p), gb = gradeAt(b, p);
    if (ga.grade !== gb.grade) {
      upper = { d: p - (m + 1), sign: Math.sign(ga.grade - gb.grade) };
      break;
    }
    p = Math.min(ga.end, gb.end) + 1;
  }
  // Rank of each side's position in the removal order.
  const lowerStep = (d: number) => (odd ? (d === 0 ? 0 : 2 * d - 1) : 2 * d);
  const upperStep = (d: number) => (odd ? 2 * d + 2 : 2 * d + 1);
  if (lower && (!upper || lowerStep(lower.d) < upperStep(upper.d))) return lower.sign;
  return upper ? upper.sign : 0;
}

/**
 * Results of a majority-judgment ballot from the contract's counts
 * (`counts[candidate * gradeCount + grade]`, PROTOCOL.md §6.3).
 */
export function majorityJudgmentFromCounts(counts: readonly (number | bigint)[], candidateCount: number, gradeCount: number): MajorityJudgmentResult {
  if (!Number.isSafeInteger(candidateCount) || candidateCount < 1) throw new TypeError("candidateCount must be a positive integer");
  if (!Number.isSafeInteger(gradeCount) || gradeCount < 1) throw new TypeError("gradeCount must be a positive integer");
  if (counts.length !== candidateCount * gradeCount) throw new TypeError(`counts must have ${candidateCount * gradeCount} entries, got ${counts.length}`);
  const profiles = Array.from({ length: candidateCount }, (_, c) => counts.slice(c * gradeCount, (c + 1) * gradeCount).map((v) => {
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw new TypeError("counts must be safe integers");
    return n;
  }));
  return majorityJudgment(profiles);
}

/** Ranks candidates by majority grade with the Balinski–Laraki tie-break. */
export function majorityJudgment(profiles: readonly MeritProfile[]): MajorityJudgmentResult {
  const ranking = profiles.map((_, i) => i).sort((i, j) => compareCandidates(profiles[j], profiles[i]) || i - j);
  const rankOf = new Array<number>(profiles.length);
  ranking.forEach((c, k) => {
    const previous = ranking[k - 1];
    rankOf[c] = k > 0 && compareCandidates(profiles[previous], profiles[c]) === 0 ? rankOf[previous] : k + 1;
  });
  const candidates = profiles.map((profile, index) => ({
    index,
    profile: [...profile],
    total: profile.reduce((s, v) => s + v, 0),
    majorityGrade: majorityGrade(profile),
    rank: rankOf[index],
  }));
  const best = ranking[0];
  const nobodyVoted = candidates.length === 0 || candidates[best].total === 0;
  const tiedAtTop = ranking.length > 1 && rankOf[ranking[1]] === 1;
  return { candidates, ranking, winner: nobodyVoted || tiedAtTop ? null : best };
}
