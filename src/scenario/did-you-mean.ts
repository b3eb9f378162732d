/**
 * Suggestions for misspelt names ("conections" -> "connections"), the way git and k6 offer them.
 */

/** The number of single-character insertions, deletions and substitutions that turn `a` into `b`. */
export function levenshtein(a: string, b: string): number {
  // One row of the classic dynamic-programming table is enough: each cell needs only its
  // left neighbour and the row above.
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The candidate closest to `word`, ignoring case, or undefined when none is close enough to
 * be what the user meant (a third of the word may be wrong, but at least two edits are allowed
 * so short names still get suggestions).
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(2, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = levenshtein(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** `did you mean "connections"?`, or undefined when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const suggestion = closest(word, candidates);
  return suggestion === undefined ? undefined : `did you mean "${suggestion}"?`;
}
