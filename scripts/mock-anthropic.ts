// Serves the test suite's Messages API mock on 127.0.0.1 so a cascade can be measured without
// an API key. Every call is answered with one fixed, valid verdict.
//
//   npx tsx scripts/mock-anthropic.ts [--decision escalate] [--port 8790]
//
// Then point the guard at it: ANTHROPIC_BASE_URL=<printed URL> ANTHROPIC_API_KEY=<printed key>.
import { parseArgs } from 'node:util';
import { DecisionSchema } from '../src/deliberation/verdict.ts';
import { MOCK_ANTHROPIC_KEY, startMockAnthropic } from '../test/helpers/mock-anthropic.ts';
import { judgeAnswer } from '../test/helpers/mock-verdict.ts';

const { values } = parseArgs({
  options: { decision: { type: 'string', default: 'escalate' }, port: { type: 'string', default: '0' } },
});
const decision = DecisionSchema.parse(values.decision);
const mock = await startMockAnthropic({ kind: 'verdict', input: judgeAnswer(decision) }, Number(values.port));
process.stdout.write(`mock Messages API answering ${decision} at ${mock.url} (ANTHROPIC_API_KEY=${MOCK_ANTHROPIC_KEY})\n`);

process.once('SIGINT', () => {
  process.stdout.write(`${mock.received.length} calls answered\n`);
  void mock.close();
});
