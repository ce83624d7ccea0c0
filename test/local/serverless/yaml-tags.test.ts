// serverless.yml as the framework reads it: short-form intrinsics in their long form, merge keys,
// date-shaped scalars kept as strings, and a clear error naming the file for what is not YAML.
import { describe, expect, it } from 'vitest';
import { parseYaml, YamlError } from '../../../local/serverless/yaml-tags';

describe('parseYaml', () => {
  it('turns every short form into its long form, on scalars, sequences and mappings', () => {
    const text = [
      'ref: !Ref Queue',
      'arn: !GetAtt Queue.Arn',
      'nested: !GetAtt Stack.Outputs.Url',
      'sub: !Sub "${AWS::StackName}-events"',
      'join: !Join [":", [a, !Ref B]]',
      'if: !If [IsProd, !Ref A, !Ref "AWS::NoValue"]',
      'map: !Transform { Name: AWS::Include }',
      'cond: !Condition IsProd',
    ].join('\n');
    expect(parseYaml(text)).toEqual({
      ref: { Ref: 'Queue' },
      arn: { 'Fn::GetAtt': ['Queue', 'Arn'] },
      nested: { 'Fn::GetAtt': ['Stack', 'Outputs.Url'] },
      sub: { 'Fn::Sub': '${AWS::StackName}-events' },
      join: { 'Fn::Join': [':', ['a', { Ref: 'B' }]] },
      if: { 'Fn::If': ['IsProd', { Ref: 'A' }, { Ref: 'AWS::NoValue' }] },
      map: { 'Fn::Transform': { Name: 'AWS::Include' } },
      cond: { Condition: 'IsProd' },
    });
  });

  it('merges anchors, keeps an IAM Version a string and an empty file null', () => {
    expect(parseYaml('base: &b { a: 1, b: 2 }\nmerged:\n  <<: *b\n  b: 3\nVersion: 2012-10-17\n')).toEqual({
      base: { a: 1, b: 2 },
      merged: { a: 1, b: 3 },
      Version: '2012-10-17',
    });
    expect(parseYaml('')).toBeNull();
  });

  it('fails naming the file and the place for broken YAML, an unknown tag or a repeated key', () => {
    expect(() => parseYaml('a: [', 'serverless.yml')).toThrow(YamlError);
    expect(() => parseYaml('a: [', 'serverless.yml')).toThrow(/^serverless\.yml: .*\(2:1\)/);
    expect(() => parseYaml('a: !Reff X', 'serverless.yml')).toThrow(/serverless\.yml: unknown tag !<!Reff>/);
    expect(() => parseYaml('a: 1\na: 2', 'serverless.yml')).toThrow(/serverless\.yml: duplicated mapping key/);
  });
});
