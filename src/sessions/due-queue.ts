// A binary min-heap of items by due time (epoch ms): the collector's schedule of held orders.
// Most items go back in at "now + 2 s", but retries (back-off up to 30 s) and takeovers do not,
// so a plain FIFO would not do.
export interface Due {
  due: number;
}

export class DueQueue<T extends Due> {
  private readonly heap: T[] = [];

  get size(): number {
    return this.heap.length;
  }

  peek(): T | undefined {
    return this.heap[0];
  }

  push(item: T): void {
    const h = this.heap;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent].due <= item.due) break;
      h[i] = h[parent];
      i = parent;
    }
    h[i] = item;
  }

  pop(): T | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const child = r < h.length && h[r].due < h[l].due ? r : l;
      if (h[child].due >= last.due) break;
      h[i] = h[child];
      i = child;
    }
    h[i] = last;
    return top;
  }
}
