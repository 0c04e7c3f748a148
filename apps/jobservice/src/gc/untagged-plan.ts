/** An untagged artifact as GC sees it (tagged artifacts never appear: they are never deleted). */
export interface UntaggedArtifact {
  id: string;
  /** Pushed before GC's time window began. */
  old: boolean;
  /** Indexes that list it as a child. */
  parentIds: readonly string[];
  /** The artifact its `subject` names, when that artifact exists in the same repository. */
  subjectId: string | null;
}

/**
 * Which untagged artifacts "delete untagged" removes, in rounds: an artifact goes once every index
 * listing it and the artifact it refers to (a signature's image) are gone, so indexes go before
 * their children and images before their signatures, and a tagged parent or subject keeps it.
 * Deleting round by round keeps every foreign key satisfied, and the dry run reports the same set
 * the real run deletes.
 */
export function planUntaggedDeletion(artifacts: readonly UntaggedArtifact[]): string[][] {
  const doomed = new Set<string>();
  const rounds: string[][] = [];
  let remaining = artifacts.filter((a) => a.old);
  for (;;) {
    // A tagged or recent parent/subject is never in `doomed`, so it keeps the artifact.
    const round = remaining.filter((a) => a.parentIds.every((p) => doomed.has(p)) && (a.subjectId === null || doomed.has(a.subjectId)));
    if (round.length === 0) return rounds;
    for (const a of round) doomed.add(a.id);
    rounds.push(round.map((a) => a.id));
    remaining = remaining.filter((a) => !doomed.has(a.id));
  }
}
