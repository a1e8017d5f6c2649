import { parsedFile, WorkflowParseCache } from './parseCache';

const workflow = (n: number) =>
  `name: w${n}\non: push\njobs:\n  build:\n    runs-on: tinyland-nix\n    steps:\n      - run: echo ${n}\n`;

describe('WorkflowParseCache', () => {
  it('parses a text once for all who ask, across files with the same text', () => {
    const cache = new WorkflowParseCache();
    const first = parsedFile(workflow(1), cache);
    expect(parsedFile(workflow(1), cache)).toBe(first);
    expect(cache.size).toBe(1);
    expect(first.error).toBeUndefined();
  });

  it('holds no more text than its limit and still parses what is past it', () => {
    const size = workflow(1).length;
    const cache = new WorkflowParseCache({ maxTextChars: size * 2 });
    for (let n = 1; n <= 5; n++) parsedFile(workflow(n), cache);
    expect(cache.size).toBe(2);
    const past = parsedFile(workflow(5), cache);
    expect(parsedFile(workflow(5), cache)).not.toBe(past);
    expect(past.document?.toJS()).toEqual(
      parsedFile(workflow(5), undefined).document?.toJS(),
    );
    expect(parsedFile(workflow(2), cache)).toBe(parsedFile(workflow(2), cache));
  });

  it('never holds a file larger than the whole limit', () => {
    const cache = new WorkflowParseCache({ maxTextChars: 10 });
    parsedFile(workflow(1), cache);
    expect(cache.size).toBe(0);
  });
});
