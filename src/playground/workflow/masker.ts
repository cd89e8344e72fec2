/**
 * The runner's secret masker: every secret of the run, and every value a step registers with
 * `::add-mask::`, is replaced by `***` in everything shown afterwards (logs, summaries). Like the runner,
 * a multi-line value is also registered line by line, so a secret split across log lines stays hidden.
 */
export class SecretMasker {
  private readonly values = new Set<string>();
  private sorted: string[] = [];

  /** Registers a value (ignored when empty or blank, as the runner does). */
  add(value: string | undefined | null): void {
    if (!value || !value.trim()) return;
    const before = this.values.size;
    this.values.add(value);
    for (const line of value.split(/\r?\n/)) if (line.trim()) this.values.add(line);
    if (this.values.size !== before) this.sorted = [...this.values].sort((a, b) => b.length - a.length);
  }

  /** Replaces every registered value, longest first so a secret containing another is hidden whole. */
  mask(text: string): string {
    let out = text;
    for (const value of this.sorted) if (out.includes(value)) out = out.split(value).join('***');
    return out;
  }

  /** Whether the text contains any registered value (the runner then refuses it as a job output). */
  containsSecret(text: string): boolean {
    return this.sorted.some((value) => text.includes(value));
  }
}
