/**
 * The k best-scoring items seen so far: a binary min-heap of size k, so choosing the top 40 of 50k
 * matching passages costs ~50k comparisons instead of sorting them all. Ties keep the item offered first.
 */
export class TopK {
  private readonly items: number[] = [];
  private readonly scores: number[] = [];
  private readonly order: number[] = [];
  private offered = 0;

  constructor(private readonly k: number) {}

  offer(item: number, score: number): void {
    const order = this.offered++;
    if (this.items.length < this.k) {
      this.items.push(item);
      this.scores.push(score);
      this.order.push(order);
      this.siftUp(this.items.length - 1);
    } else if (this.k > 0 && this.worse(0, score, order)) {
      this.items[0] = item;
      this.scores[0] = score;
      this.order[0] = order;
      this.siftDown(0);
    }
  }

  /** Best first. */
  sorted(): Array<{ item: number; score: number }> {
    return this.items
      .map((item, i) => ({ item, score: this.scores[i]!, order: this.order[i]! }))
      .sort((a, b) => b.score - a.score || a.order - b.order)
      .map(({ item, score }) => ({ item, score }));
  }

  /** Whether the entry at `i` ranks below (score, order). */
  private worse(i: number, score: number, order: number): boolean {
    return this.scores[i]! < score || (this.scores[i] === score && this.order[i]! > order);
  }

  private below(i: number, j: number): boolean {
    return this.worse(i, this.scores[j]!, this.order[j]!);
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.below(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const n = this.items.length;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let lowest = i;
      if (left < n && this.below(left, lowest)) lowest = left;
      if (right < n && this.below(right, lowest)) lowest = right;
      if (lowest === i) return;
      this.swap(i, lowest);
      i = lowest;
    }
  }

  private swap(i: number, j: number): void {
    [this.items[i], this.items[j]] = [this.items[j]!, this.items[i]!];
    [this.scores[i], this.scores[j]] = [this.scores[j]!, this.scores[i]!];
    [this.order[i], this.order[j]] = [this.order[j]!, this.order[i]!];
  }
}
