/**
 * The few fields of a Triton config.pbtxt (protobuf text format) that `mlpx serve` reads from a
 * model repository: `name`, `max_batch_size`, `dynamic_batching { max_queue_delay_microseconds }`
 * and each output's `label_filename`. Everything else in the file is parsed (so a typo is an error
 * with its line) and then ignored.
 *
 * The parser takes the text format's syntax: `field: value`, `field { ... }`, `field: { ... }`,
 * lists `field: [a, b]` and `field [ {...}, {...} ]`, numbers, quoted strings, identifiers (enums,
 * true/false), `#` comments, and `,` or `;` between fields.
 */
import { MlpxError } from '@mlpx/core';

type Scalar = { readonly kind: 'number' | 'string' | 'identifier'; readonly text: string; readonly line: number };
/** A message: each field name with its values in order (a repeated field has several). */
export type TextMessage = Map<string, (Scalar | TextMessage)[]>;

/** What `mlpx serve` takes from a config.pbtxt. */
export interface ModelConfig {
  readonly name: string | undefined;
  /** 0 when the model takes no batch dimension of Triton's (each request runs alone). */
  readonly maxBatchSize: number | undefined;
  /** Present when the config has a dynamic_batching block. */
  readonly dynamicBatching: { readonly maxQueueDelayMicroseconds: number } | undefined;
  /** Output name → its label_filename, for outputs that have one. */
  readonly labelFiles: ReadonlyMap<string, string>;
}

interface Token {
  readonly kind: 'number' | 'string' | 'identifier' | 'punctuation';
  readonly text: string;
  readonly line: number;
}

const NUMBER = /^[-+]?(?:0[xX][\da-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?[fF]?)(?![\w.])/;
const IDENTIFIER = /^[-+]?[A-Za-z_][\w.]*/;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };

function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let at = 0;
  while (at < text.length) {
    const c = text[at]!;
    if (c === '\n') {
      line++;
      at++;
    } else if (/\s/.test(c)) {
      at++;
    } else if (c === '#') {
      while (at < text.length && text[at] !== '\n') at++;
    } else if ('{}[]:,;<>'.includes(c)) {
      tokens.push({ kind: 'punctuation', text: c, line });
      at++;
    } else if (c === '"' || c === "'") {
      let value = '';
      at++;
      while (at < text.length && text[at] !== c) {
        if (text[at] === '\n') throw new MlpxError(`${file}:${line}: a string is not closed before the end of the line`);
        if (text[at] === '\\' && at + 1 < text.length) {
          value += ESCAPES[text[at + 1]!] ?? text[at + 1]!;
          at += 2;
        } else {
          value += text[at++];
        }
      }
      if (at >= text.length) throw new MlpxError(`${file}:${line}: a string is not closed`);
      at++;
      tokens.push({ kind: 'string', text: value, line });
    } else {
      const rest = text.slice(at, at + 200);
      const number = NUMBER.exec(rest)?.[0];
      const word = number ?? IDENTIFIER.exec(rest)?.[0];
      if (!word) throw new MlpxError(`${file}:${line}: unexpected character '${c}'`);
      tokens.push({ kind: number ? 'number' : 'identifier', text: word, line });
      at += word.length;
    }
  }
  return tokens;
}

/** Parses protobuf text format into nested maps of field names to values. */
export function parseTextProto(text: string, file: string): TextMessage {
  const tokens = tokenize(text, file);
  let at = 0;
  const lastLine = (): number => tokens[tokens.length - 1]?.line ?? 1;
  const peek = (): Token | undefined => tokens[at];
  const fail = (message: string, token = peek()): never => {
    throw new MlpxError(`${file}:${token?.line ?? lastLine()}: ${message}`);
  };
  const isPunctuation = (text: string, token = peek()): boolean => token?.kind === 'punctuation' && token.text === text;

  const parseScalar = (): Scalar => {
    const token = peek();
    if (!token || token.kind === 'punctuation') return fail(`expected a value, found ${token ? `'${token.text}'` : 'the end of the file'}`);
    at++;
    // Adjacent strings concatenate, as in the text format.
    if (token.kind === 'string') {
      let text = token.text;
      while (peek()?.kind === 'string') text += tokens[at++]!.text;
      return { kind: 'string', text, line: token.line };
    }
    return { kind: token.kind, text: token.text, line: token.line };
  };

  const parseMessageBody = (close: string | undefined): TextMessage => {
    const message: TextMessage = new Map();
    for (;;) {
      const token = peek();
      if (!token) {
        if (close) fail(`expected '${close}' before the end of the file`);
        return message;
      }
      if (close && isPunctuation(close)) {
        at++;
        return message;
      }
      if (token.kind !== 'identifier') fail(`expected a field name, found '${token.text}'`);
      at++;
      const values = message.get(token.text) ?? [];
      message.set(token.text, values);
      const colon = isPunctuation(':');
      if (colon) at++;
      if (isPunctuation('[')) {
        at++;
        while (!isPunctuation(']')) {
          values.push(parseValue(colon));
          if (isPunctuation(',')) at++;
          else if (!isPunctuation(']')) fail(`expected ',' or ']' in the list of ${token.text}`);
        }
        at++;
      } else {
        values.push(parseValue(colon));
      }
      if (isPunctuation(',') || isPunctuation(';')) at++;
    }
  };

  const parseValue = (colon: boolean): Scalar | TextMessage => {
    if (isPunctuation('{') || isPunctuation('<')) {
      const open = tokens[at++]!.text;
      return parseMessageBody(open === '{' ? '}' : '>');
    }
    if (!colon) return fail(`expected ':' or '{' after a field name`);
    return parseScalar();
  };

  return parseMessageBody(undefined);
}

function single(message: TextMessage, field: string, file: string): Scalar | TextMessage | undefined {
  const values = message.get(field);
  if (!values?.length) return undefined;
  if (values.length > 1) throw new MlpxError(`${file}: ${field} is given ${values.length} times`);
  return values[0];
}

function integerField(message: TextMessage, field: string, file: string): number | undefined {
  const value = single(message, field, file);
  if (value === undefined) return undefined;
  if (value instanceof Map || value.kind !== 'number' || !/^\d+$/.test(value.text) || !Number.isSafeInteger(Number(value.text))) {
    const shown = value instanceof Map ? 'a block' : `'${value.text}'`;
    throw new MlpxError(`${file}${value instanceof Map ? '' : `:${value.line}`}: ${field} must be a whole number >= 0, not ${shown}`);
  }
  return Number(value.text);
}

function stringField(message: TextMessage, field: string, file: string): string | undefined {
  const value = single(message, field, file);
  if (value === undefined) return undefined;
  if (value instanceof Map || value.kind !== 'string') {
    throw new MlpxError(`${file}${value instanceof Map ? '' : `:${value.line}`}: ${field} must be a quoted string`);
  }
  return value.text;
}

function messageField(message: TextMessage, field: string, file: string): TextMessage | undefined {
  const value = single(message, field, file);
  if (value === undefined || value instanceof Map) return value;
  throw new MlpxError(`${file}:${value.line}: ${field} must be a block ({ ... }), not '${value.text}'`);
}

/** Reads the fields mlpx serve uses from config.pbtxt's text; `file` names it in errors. */
export function parseModelConfig(text: string, file: string): ModelConfig {
  const config = parseTextProto(text, file);
  const batching = messageField(config, 'dynamic_batching', file);
  const labelFiles = new Map<string, string>();
  for (const output of config.get('output') ?? []) {
    if (!(output instanceof Map)) throw new MlpxError(`${file}:${output.line}: output must be a block ({ name: ... })`);
    const name = stringField(output, 'name', file);
    const labels = stringField(output, 'label_filename', file);
    if (name !== undefined && labels !== undefined) labelFiles.set(name, labels);
  }
  return {
    name: stringField(config, 'name', file),
    maxBatchSize: integerField(config, 'max_batch_size', file),
    dynamicBatching: batching ? { maxQueueDelayMicroseconds: integerField(batching, 'max_queue_delay_microseconds', file) ?? 0 } : undefined,
    labelFiles,
  };
}
