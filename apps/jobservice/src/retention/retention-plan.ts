import type { RetentionArtifact, RetentionVerdict } from '@wharf/policy';

/** An artifact of a repository with what links it to the others. */
export interface RepoArtifact extends RetentionArtifact {
  /** The digest its manifest's `subject` names (it is an accessory when that artifact is here). */
  subjectDigest: string | null;
  /** Indexes of the repository that list it. */
  parentIds: readonly string[];
  /** What it lists, when it is an index. */
  childIds: readonly string[];
}

export type Closure = { ids: string[] } | { blockedBy: string };

/**
 * A repository's artifacts and their links, as deletions see them. Deleting an artifact takes
 * what core's artifact delete takes: its accessories (whatever their tags) and those of its
 * children nothing else needs (untagged, listed by no other index); an artifact an index still
 * lists cannot go. `remove` applies a deletion, so that the next one is planned against what
 * would be left.
 */
export class RepositoryGraph {
  private readonly byId = new Map<string, RepoArtifact>();
  private readonly accessories = new Map<string, RepoArtifact[]>();
  private readonly removed = new Set<string>();

  constructor(artifacts: readonly RepoArtifact[]) {
    for (const a of artifacts) this.byId.set(a.id, a);
    for (const a of artifacts) {
      if (a.subjectDigest === null) continue;
      this.accessories.set(a.subjectDigest, [...(this.accessories.get(a.subjectDigest) ?? []), a]);
    }
  }

  get(id: string): RepoArtifact | undefined {
    return this.removed.has(id) ? undefined : this.byId.get(id);
  }

  /**
   * What retention weighs (Harbor's candidates, the artifacts the API lists): tagged artifacts
   * and untagged ones that stand on their own; children of an index and accessories belong to
   * their parent and go, or stay, with it.
   */
  candidates(): RepoArtifact[] {
    const digests = new Set([...this.byId.values()].filter((a) => !this.removed.has(a.id)).map((a) => a.digest));
    return [...this.byId.values()].filter(
      (a) => !this.removed.has(a.id) && (a.tags.length > 0 || a.parentIds.length === 0) && !(a.subjectDigest !== null && digests.has(a.subjectDigest)),
    );
  }

  /** Who lists `a` and is not gone (nor going with the same deletion). */
  private remainingParents(a: RepoArtifact, going: ReadonlySet<string>): string[] {
    return a.parentIds.filter((p) => !this.removed.has(p) && !going.has(p));
  }

  /** What deleting `rootId` takes, parents before children (the order the rows can go in), or why it cannot go. */
  closure(rootId: string): Closure {
    const going = new Set<string>();
    const order: string[] = [];
    const visit = (id: string, isRoot: boolean, depth: number): string | undefined => {
      if (going.has(id) || depth > 64) return undefined;
      const a = this.get(id);
      if (!a) return undefined;
      // A tagged child stands on its own: it is weighed as a candidate itself.
      if (!isRoot && a.tags.length > 0) return undefined;
      const [parentId] = this.remainingParents(a, going);
      if (parentId !== undefined) {
        if (!isRoot) return undefined;
        return `the index ${this.byId.get(parentId)?.digest ?? parentId} lists it`;
      }
      going.add(id);
      order.push(id);
      for (const accessory of this.accessories.get(a.digest) ?? []) {
        const blocked = visit(accessory.id, true, depth + 1);
        if (blocked) return `its accessory ${accessory.digest} cannot go: ${blocked}`;
      }
      for (const child of a.childIds) visit(child, false, depth + 1);
      return undefined;
    };
    const blocked = visit(rootId, true, 0);
    return blocked ? { blockedBy: blocked } : { ids: order };
  }

  remove(ids: Iterable<string>): void {
    for (const id of ids) this.removed.add(id);
  }

  /** How many index levels sit above `a` (0 for an artifact no index lists). */
  depth(a: RepoArtifact, seen: Set<string> = new Set()): number {
    if (seen.has(a.id)) return 0;
    seen.add(a.id);
    let deepest = 0;
    for (const p of a.parentIds) {
      const parent = this.get(p);
      if (parent) deepest = Math.max(deepest, 1 + this.depth(parent, seen));
    }
    return deepest;
  }

}

export interface PlannedArtifact {
  artifact: RepoArtifact;
  retain: boolean;
  reasons: string[];
  /** What goes with it when it is deleted (its accessories and exclusive children), in deletion order. */
  with: RepoArtifact[];
  /** Every row its deletion removes, itself first, parents before children. */
  closureIds: string[];
}

export interface RepositoryPlan {
  /** Every candidate, in the order they were given. */
  items: PlannedArtifact[];
  /** The deletions, in the order they must run (outer indexes before what they list). */
  deletions: PlannedArtifact[];
}

/**
 * Turns the policy's verdicts into deletions that can run: parents before the tagged children
 * they list, each planned against what the earlier ones leave, and none that would take an
 * immutable tag with it (an accessory's, a child's) or an artifact an index that stays still
 * lists. The dry run reports this plan; the real run carries it out, checking each step again.
 */
export function planDeletions(graph: RepositoryGraph, verdicts: readonly RetentionVerdict[], isImmutable: (tag: string) => boolean): RepositoryPlan {
  const items: PlannedArtifact[] = verdicts.map((v) => ({ artifact: v.artifact as RepoArtifact, retain: v.retain, reasons: [...v.reasons], with: [], closureIds: [] }));
  const doomed = items
    .filter((i) => !i.retain)
    .map((item, order) => ({ item, order, depth: graph.depth(item.artifact) }))
    .sort((a, b) => a.depth - b.depth || a.order - b.order)
    .map((d) => d.item);
  const deletions: PlannedArtifact[] = [];
  for (const item of doomed) {
    const closure = graph.closure(item.artifact.id);
    if ('blockedBy' in closure) {
      item.retain = true;
      item.reasons.push(`kept: ${closure.blockedBy}`);
      continue;
    }
    const taken = closure.ids.map((id) => graph.get(id)).filter((a): a is RepoArtifact => a !== undefined);
    const protectedTag = taken.flatMap((a) => a.tags.filter(isImmutable).map((tag) => ({ a, tag })))[0];
    if (protectedTag) {
      item.retain = true;
      item.reasons.push(`kept: ${protectedTag.a.digest} would go with it and carries the immutable tag ${protectedTag.tag}`);
      continue;
    }
    item.closureIds = closure.ids;
    item.with = taken.filter((a) => a.id !== item.artifact.id);
    graph.remove(closure.ids);
    deletions.push(item);
  }
  return { items, deletions };
}
