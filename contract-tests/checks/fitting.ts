/**
 * fast-check's `filter` draws until a value fits, for ever: a generator fed values it did
 * not expect (a server's file ids off the spec's pattern) then spins without end. `fitting`
 * draws at most MAX_DRAWS values per case and, when none fits, yields a NoFit instead: the
 * property sees it and reports the rules that case serves "not judged", with that reason.
 */
import fc from 'fast-check';

/** The most values one generated case draws before it gives up. */
export const MAX_DRAWS = 1000;

/** No value fitting `what` in MAX_DRAWS draws. */
export class NoFit {
  constructor(readonly what: string) {}

  get reason(): string {
    return `no generated case ${this.what} in ${MAX_DRAWS.toLocaleString('en')} draws`;
  }
}

class FittingArbitrary<T> extends fc.Arbitrary<T | NoFit> {
  constructor(
    private readonly arb: fc.Arbitrary<T>,
    private readonly fits: (value: T) => boolean,
    private readonly what: string,
  ) {
    super();
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<T | NoFit> {
    for (let i = 0; i < MAX_DRAWS; i++) {
      const drawn = this.arb.generate(mrng, biasFactor);
      if (this.fits(drawn.value)) return drawn;
    }
    return new fc.Value(new NoFit(this.what), undefined);
  }

  canShrinkWithoutContext(value: unknown): value is T | NoFit {
    return value instanceof NoFit || (this.arb.canShrinkWithoutContext(value) && this.fits(value));
  }

  shrink(value: T | NoFit, context: unknown): fc.Stream<fc.Value<T | NoFit>> {
    if (value instanceof NoFit) return fc.Stream.nil();
    return this.arb.shrink(value, context).filter((v) => this.fits(v.value));
  }
}

/** Values of `arb` that `fits`, at most MAX_DRAWS draws each; a NoFit (saying `what` was wanted) when none fits. */
export function fitting<T>(arb: fc.Arbitrary<T>, fits: (value: T) => boolean, what: string): fc.Arbitrary<T | NoFit> {
  return new FittingArbitrary(arb, fits, what);
}
