import { fingerprintFromHex, fingerprintToHex, hammingDistance, simhash } from './simhash.ts';

/** Default number of clusters kept; bounds memory and the work per example. */
export const DEFAULT_MAX_CLUSTERS = 256;

/**
 * Bits two topic fingerprints may differ by and still share a cluster. SimHash distance
 * approximates the angle between word-count vectors (d / 64 ≈ angle / π), so 20 bits is an
 * angle of about 56 degrees, a cosine similarity near 0.55: same kind of task, different details.
 */
export const CLUSTER_RADIUS = 20;

/** A cluster as the dataset card lists it. */
export interface ScenarioCluster {
  readonly id: string;
  /** Tool category and the start of the first scenario that opened the cluster. */
  readonly label: string;
  /** Topic fingerprint of that first scenario, 16 hex digits. */
  readonly leader: string;
  examples: number;
}

/**
 * Groups scenarios by topic in one pass with bounded memory (leader clustering): a scenario
 * joins the nearest cluster within CLUSTER_RADIUS, opens a new cluster while fewer than
 * `maxClusters` exist, and otherwise joins the nearest cluster. The result depends on the
 * order of the scenarios, which the export fixes (oldest verdict first).
 */
export class ScenarioClusters {
  private readonly leaders: Array<{ hi: number; lo: number }>;

  constructor(
    readonly clusters: ScenarioCluster[] = [],
    private readonly maxClusters = DEFAULT_MAX_CLUSTERS,
  ) {
    this.leaders = clusters.map((cluster) => fingerprintFromHex(cluster.leader));
  }

  /** Assigns a scenario, given as its words, to a cluster and returns the cluster id. */
  assign(tokens: readonly string[], label: string): string {
    const topic = simhash(tokens);
    let nearest = -1;
    let nearestDistance = Number.POSITIVE_INFINITY;
    for (let index = 0; index < this.leaders.length; index += 1) {
      const leader = this.leaders[index]!;
      const distance = hammingDistance(topic.hi, topic.lo, leader.hi, leader.lo);
      if (distance < nearestDistance) {
        nearest = index;
        nearestDistance = distance;
      }
    }

    if (nearest === -1 || (nearestDistance > CLUSTER_RADIUS && this.leaders.length < this.maxClusters)) {
      const id = `c${String(this.clusters.length + 1).padStart(3, '0')}`;
      this.clusters.push({ id, label, leader: fingerprintToHex(topic), examples: 1 });
      this.leaders.push(topic);
      return id;
    }
    const cluster = this.clusters[nearest]!;
    cluster.examples += 1;
    return cluster.id;
  }
}

/** Shannon entropy in bits of a distribution given by counts. */
export function entropyBits(counts: readonly number[]): number {
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total === 0) return 0;
  return counts.reduce((sum, count) => (count === 0 ? sum : sum - (count / total) * Math.log2(count / total)), 0);
}
