/**
 * Reads a config.pbtxt as Triton does, with a reader that is not mlpx's: Google's protobuf text
 * format parser (Debian's python3-protobuf, which python3-onnx brings for the ONNX checker) on
 * Triton's own schema, test/fixtures/model_config.proto, compiled by protobufjs. A field Triton's
 * ModelConfig does not have, a value of the wrong type, an unknown enum name or a syntax error
 * fails; what parses comes back as the JSON form of the message, field names as in the .proto.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import * as descriptor from 'protobufjs/ext/descriptor.js';
import { REPO_ROOT } from './run-cli.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = `
import base64, json, sys
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory, text_format
request = json.load(sys.stdin)
files = descriptor_pb2.FileDescriptorSet.FromString(base64.b64decode(request['schema']))
pool = descriptor_pool.DescriptorPool()
for file in files.file:
    pool.Add(file)
found = pool.FindMessageTypeByName('inference.ModelConfig')
# GetMessageClass from protobuf 4.21 on; MessageFactory.GetPrototype before it (removed in 5).
ModelConfig = message_factory.GetMessageClass(found) if hasattr(message_factory, 'GetMessageClass') else message_factory.MessageFactory(pool).GetPrototype(found)
config = text_format.Parse(request['text'], ModelConfig())
print(json_format.MessageToJson(config, preserving_proto_field_name=True))
`;

interface DescriptorMessage {
  name: string;
  field?: { name: string; typeName?: string }[];
  nestedType?: DescriptorMessage[];
  options?: { mapEntry?: boolean };
}

/**
 * protobufjs names a map field's entry type after the field (Parameters); protoc, whose rule the
 * pool checks, names it <Field>Entry (ParametersEntry).
 */
function renameMapEntries(message: DescriptorMessage): void {
  for (const nested of message.nestedType ?? []) {
    if (nested.options?.mapEntry) {
      const field = message.field?.find((f) => f.typeName === nested.name);
      if (field) {
        nested.name = `${field.name.replace(/(^|_)([a-z])/g, (_, _underscore: string, letter: string) => letter.toUpperCase())}Entry`;
        field.typeName = nested.name;
      }
    }
    renameMapEntries(nested);
  }
}

let schema: string | undefined;
function modelConfigSchema(): string {
  if (schema === undefined) {
    const root = protobuf.parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'model_config.proto'), 'utf8'), { keepCase: true }).root;
    root.resolveAll();
    const set = root.toDescriptor('proto3') as unknown as { file: { messageType?: DescriptorMessage[] }[] };
    for (const file of set.file) for (const message of file.messageType ?? []) renameMapEntries(message);
    schema = Buffer.from(descriptor.FileDescriptorSet.encode(set as never).finish()).toString('base64');
  }
  return schema;
}

export type ModelConfigJson = Record<string, unknown>;

/** The ModelConfig that `text` is, as JSON; rejects with the parser's message when it is not one. */
export function readModelConfig(text: string): Promise<ModelConfigJson> {
  return new Promise((resolve, reject) => {
    const child = execFile(PYTHON, ['-c', SCRIPT], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`not a Triton ModelConfig: ${stderr.trim().split('\n').slice(-1).join('')}`));
      else resolve(JSON.parse(stdout) as ModelConfigJson);
    });
    child.stdin!.end(JSON.stringify({ schema: modelConfigSchema(), text }));
  });
}
