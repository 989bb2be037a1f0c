import { bufferIo } from '../test/buffer-io';
import { EXIT_USAGE, UsageError, defineCommand } from './command';

const run = jest.fn(async (_values: unknown) => 0);
const greet = defineCommand({
  name: 'greet',
  summary: 'say hello',
  options: {
    name: { value: '<name>', help: 'who to greet', required: true },
    times: { value: '<n>', help: 'how often' },
  },
  notes: 'Be nice.',
  run: async (values) => {
    if (values.name === 'nobody') throw new UsageError('nobody cannot be greeted');
    if (values.name === 'bug') throw new Error('a bug');
    return run(values);
  },
});

beforeEach(() => run.mockClear());

describe('defineCommand', () => {
  it('writes a usage from the options', () => {
    expect(greet.usage).toBe(
      [
        'Usage: smart-dairy-webhooks greet --name <name> [--times <n>]',
        '',
        'say hello',
        '',
        'Options:',
        '  --name <name>  who to greet',
        '  --times <n>    how often',
        '',
        'Be nice.',
      ].join('\n'),
    );
  });

  it.each([
    [['--name', 'Ada'], { name: 'Ada' }],
    [['--name=Ada', '--times', '2'], { name: 'Ada', times: '2' }],
  ])('passes %j to the command as %j', async (args, values) => {
    await expect(greet.execute(args, bufferIo())).resolves.toBe(0);
    expect(run).toHaveBeenCalledWith(values);
  });

  it.each([['--help'], ['-h'], ['--name', 'Ada', '--help']])(
    'prints the usage for %s and runs nothing',
    async (...args) => {
      const io = bufferIo();
      await expect(greet.execute(args, io)).resolves.toBe(0);
      expect(io.stdout()).toBe(greet.usage);
      expect(run).not.toHaveBeenCalled();
    },
  );

  it.each<[string, string[], string]>([
    ['a missing required option', ['--times', '2'], 'missing --name'],
    ['an empty required option', ['--name', ''], '--name must not be empty'],
    ['an empty optional option', ['--name', 'Ada', '--times='], '--times must not be empty'],
    ['an unknown option', ['--name', 'Ada', '--loud'], "Unknown option '--loud'"],
    ['a positional argument', ['--name', 'Ada', 'extra'], "Unexpected argument 'extra'"],
    ['an option without its value', ['--name'], "Option '--name <value>' argument missing"],
    ['a UsageError from the command', ['--name', 'nobody'], 'nobody cannot be greeted'],
  ])('exits 2 with the usage on %s', async (_case, args, message) => {
    const io = bufferIo();
    await expect(greet.execute(args, io)).resolves.toBe(EXIT_USAGE);
    expect(io.stderr()).toContain(`smart-dairy-webhooks greet: ${message}`);
    expect(io.stderr()).toContain(greet.usage);
    expect(run).not.toHaveBeenCalled();
  });

  it('lets other errors through', async () => {
    await expect(greet.execute(['--name', 'bug'], bufferIo())).rejects.toThrow('a bug');
  });
});
