/** Words as a reader counts them: runs of anything but white space. */
export function countWords(text: string): number {
  return text.split(/\s+/).filter((word) => word !== "").length;
}

const stopWords = new Set(
  (
    "a about above after again all also an and any are as at be because been before being below " +
    "between both but by can could did do does doing down during each few for from further had has " +
    "have having he her here hers him his how i if in into is it its itself just me more most my no " +
    "nor not now of off on once only or other our ours out over own same she should so some such " +
    "than that the their theirs them then there these they this those through to too under until up " +
    "very was we were what when where which while who whom why will with would you your yours"
  ).split(" "),
);

/** The `limit` most frequent terms of `texts`: letters only, stop words left out; ties alphabetical. */
export function topTerms(texts: string[], limit = 10): Array<{ term: string; count: number }> {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const term of text.toLowerCase().match(/[a-z][a-z'-]*[a-z]/g) ?? []) {
      if (stopWords.has(term)) continue;
      counts.set(term, (counts.get(term) ?? 0) + 1);
    }
  }
  return [...counts]
    .map(([term, count]) => ({ term, count }))
    .sort((left, right) => right.count - left.count || left.term.localeCompare(right.term))
    .slice(0, limit);
}
