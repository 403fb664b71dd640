/**
 * Strings numbered in the order first given, and back (`names[n]`): so that what is kept per
 * string can sit in arrays indexed by number rather than in maps keyed by text.
 */
export class Interner {
  private readonly numbers = new Map<string, number>();
  readonly names: string[] = [];

  /** The number of a name (-1 for none). */
  of(name: string | null): number {
    if (name === null) return -1;
    let n = this.numbers.get(name);
    if (n === undefined) {
      n = this.names.length;
      this.names.push(name);
      this.numbers.set(name, n);
      this.added(n);
    }
    return n;
  }

  /** Called when a name gets its number (for subclasses keeping arrays by number). */
  protected added(_n: number): void {}
}
