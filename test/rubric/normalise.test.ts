import { describe, expect, it } from 'vitest';
import { normaliseAction, splitToolName } from '../../src/deliberation/rubric/normalise.ts';
import { constitutions } from './judge.ts';

const config = constitutions.get('default')!.spec.rubric;

describe('normaliseAction', () => {
  it('flattens nested input with paths', () => {
    const action = normaliseAction('GmailSendEmail', { to: ['a@x.example', 'b@x.example'], body: 'hi' }, config);
    expect(action.leaves.map((leaf) => leaf.path)).toEqual(['action.input.to[0]', 'action.input.to[1]', 'action.input.body']);
    expect(action.shell).toBe(false);
  });

  it('judges only the command of a shell tool', () => {
    const action = normaliseAction('Bash', { command: 'git status', description: 'rm -rf /', metadata: { reason: 'x' } }, config);
    const judged = action.leaves.filter((leaf) => leaf.judged).map((leaf) => leaf.path);
    expect(judged).toEqual(['action.input.command']);
    expect(action.executedFieldFound).toBe(true);
  });

  it('parses input that is a JSON string', () => {
    const action = normaliseAction('Bash', '{"command":"rm -rf ~/"}', config);
    expect(action.form).toBe('json_string');
    expect(action.leaves[0]?.text).toBe('rm -rf ~/');
  });

  it('joins an argv array command', () => {
    const action = normaliseAction('Bash', { command: ['rm', '-rf', '/home/<user>'] }, config);
    expect(action.form).toBe('argv');
    expect(action.leaves[0]?.text).toBe('rm -rf /home/<user>');
  });

  it('judges other fields when no command field exists', () => {
    const action = normaliseAction('Bash', { script_text: 'rm -rf /' }, config);
    expect(action.executedFieldFound).toBe(false);
    expect(action.leaves[0]?.judged).toBe(true);
  });

  it('splits tool names into words', () => {
    expect(splitToolName('GmailSendEmail')).toBe('gmail send email');
    expect(splitToolName('mcp__github__delete_repository')).toBe('mcp github delete repository');
  });
});
