import { describe, expect, it } from '@jest/globals';
import { expandMatrix } from '../../src/playground/workflow/matrix.js';

/** strategy.matrix expansion, with GitHub's documented include/exclude rules. */
describe('expandMatrix', () => {
  it('an include-only matrix (as fromJSON of a plan gives) has one leg per entry: entries never merge into each other', () => {
    expect(
      expandMatrix(
        {
          include: [
            { group: 'proxy', ns: 'clients' },
            { group: 'noproxy', ns: 'nproxy-clients' },
          ],
        },
        'm',
      ),
    ).toEqual([
      { group: 'proxy', ns: 'clients' },
      { group: 'noproxy', ns: 'nproxy-clients' },
    ]);
  });

  it("include extends the axes' combinations it does not overwrite, or adds its own; exclude removes", () => {
    const legs = expandMatrix(
      {
        fruit: ['apple', 'pear'],
        animal: ['cat', 'dog'],
        exclude: [{ fruit: 'pear', animal: 'dog' }],
        include: [
          { color: 'green' },
          { color: 'pink', animal: 'cat' },
          { fruit: 'apple', shape: 'circle' },
          { fruit: 'banana' },
          { fruit: 'banana', animal: 'cat' },
        ],
      },
      'm',
    );
    // The example of GitHub's docs ("Expanding or adding matrix configurations"), with one combination excluded.
    expect(legs).toEqual([
      { fruit: 'apple', animal: 'cat', color: 'pink', shape: 'circle' },
      { fruit: 'apple', animal: 'dog', color: 'green', shape: 'circle' },
      { fruit: 'pear', animal: 'cat', color: 'pink' },
      { fruit: 'banana' },
      { fruit: 'banana', animal: 'cat' },
    ]);
  });
});
