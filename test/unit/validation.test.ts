import { expect } from 'chai';
import {
  isConfigMapKey, isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isRelaxedEnvVarName,
  isValidLabelValue, isValidPathSegmentName, isValidPortName, isValidPortNum, nameIsDNSSubdomain,
} from '../../src/registry/validation/names.ts';
import { formatIP, parseCIDR, parseIP, validateCIDR, validateIP, validateNonSpecialIP } from '../../src/registry/validation/net.ts';
import { parseQuantity, QUANTITY_FORMAT_ERROR } from '../../src/registry/validation/quantity.ts';
import { fieldErrorString } from '../../src/server/errors.ts';

const SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

describe('validation/names', () => {
  describe('isDNS1123Label', () => {
    const cases: Array<[string, string[]]> = [
      ['a', []],
      ['my-name', []],
      ['123-abc', []],
      ['a'.repeat(63), []],
      ['a.b', ['must not contain dots']],
      ['Abc', [LABEL_MSG]],
      ['-a', [LABEL_MSG]],
      ['', [LABEL_MSG]],
      ['a'.repeat(64), ['must be no more than 63 characters']],
    ];
    for (const [v, want] of cases) it(`${JSON.stringify(v.length > 20 ? `${v.slice(0, 5)}…(${v.length})` : v)}`, () => expect(isDNS1123Label(v)).to.deep.equal(want));
  });

  describe('isDNS1123Subdomain', () => {
    it('accepts dotted names', () => expect(isDNS1123Subdomain('example.com')).to.deep.equal([]));
    it('reports upstream text', () => expect(isDNS1123Subdomain('Example.com')).to.deep.equal([SUBDOMAIN_MSG]));
    it('limits length to 253', () => expect(isDNS1123Subdomain('a'.repeat(254))).to.include('must be no more than 253 characters'));
    it('generateName prefixes may end with a dash', () => {
      expect(nameIsDNSSubdomain('web-', true)).to.deep.equal([]);
      expect(nameIsDNSSubdomain('web-', false)).to.have.length(1);
    });
  });

  it('isDNS1035Label requires a leading letter', () => {
    expect(isDNS1035Label('svc-1')).to.deep.equal([]);
    expect(isDNS1035Label('1svc')[0]).to.match(/^a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character/);
  });

  describe('isQualifiedName', () => {
    const NAME_RE = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    const cases: Array<[string, string[]]> = [
      ['app', []],
      ['example.com/MyName', []],
      ['app.kubernetes.io/name', []],
      ['/name', ['prefix part must be non-empty']],
      ['example.com/', ['name part must be non-empty', `name part ${NAME_RE}`]],
      ['-bad', [`name part ${NAME_RE}`]],
      ['a/b/c', [`a qualified name ${NAME_RE} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`]],
      ['x'.repeat(64), ['name part must be no more than 63 characters']],
    ];
    for (const [v, want] of cases) it(JSON.stringify(v.slice(0, 30)), () => expect(isQualifiedName(v)).to.deep.equal(want));
    it('prefixes must be subdomains', () => expect(isQualifiedName('Bad_Prefix/x')[0]).to.match(/^prefix part a lowercase RFC 1123 subdomain/));
  });

  it('isValidLabelValue', () => {
    expect(isValidLabelValue('')).to.deep.equal([]);
    expect(isValidLabelValue('my_value-1.0')).to.deep.equal([]);
    expect(isValidLabelValue('has space')).to.deep.equal(["a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', or 'my_value', or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"]);
    expect(isValidLabelValue('v'.repeat(64))[0]).to.equal('must be no more than 63 characters');
  });

  it('isValidPortName / isValidPortNum', () => {
    expect(isValidPortName('http')).to.deep.equal([]);
    expect(isValidPortName('80')).to.deep.equal(['must contain at least one letter (a-z)']);
    expect(isValidPortName('a--b')).to.deep.equal(['must not contain consecutive hyphens']);
    expect(isValidPortName('-ab')).to.deep.equal(['must not begin or end with a hyphen']);
    expect(isValidPortName('HTTP')).to.deep.equal(['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', 'must contain at least one letter (a-z)']);
    expect(isValidPortName('a-very-long-port-name')).to.include('must be no more than 15 characters');
    expect(isValidPortNum(0)).to.deep.equal(['must be between 1 and 65535, inclusive']);
    expect(isValidPortNum(65535)).to.deep.equal([]);
  });

  it('isRelaxedEnvVarName (v1.32 default) and isConfigMapKey', () => {
    expect(isRelaxedEnvVarName('1_FOO.bar-x')).to.deep.equal([]);
    expect(isRelaxedEnvVarName('A=B')).to.deep.equal(["a valid environment variable name must consist only of printable ASCII characters other than '='"]);
    expect(isConfigMapKey('key.name')).to.deep.equal([]);
    expect(isConfigMapKey('..data')).to.deep.equal(["must not start with '..'"]);
    expect(isConfigMapKey('a/b')[0]).to.match(/^a valid config key must consist of alphanumeric characters/);
  });

  it('isValidPathSegmentName', () => {
    expect(isValidPathSegmentName('..')).to.deep.equal(["may not be '..'"]);
    expect(isValidPathSegmentName('a/b%c')).to.deep.equal(["may not contain '/'", "may not contain '%'"]);
    expect(isValidPathSegmentName('Any_Name.1')).to.deep.equal([]);
  });
});

describe('validation/net', () => {
  it('parses IPv4 sloppily (leading zeros) and IPv6', () => {
    expect(parseIP('10.96.0.1')).to.deep.equal({ family: 'IPv4', value: 0x0a600001n });
    expect(parseIP('010.0.0.1')?.family).to.equal('IPv4');
    expect(parseIP('::1')).to.deep.equal({ family: 'IPv6', value: 1n });
    expect(parseIP('2001:db8::ffff')?.family).to.equal('IPv6');
    expect(parseIP('::ffff:1.2.3.4')).to.deep.equal({ family: 'IPv4', value: 0x01020304n });
    for (const bad of ['', '1.2.3', '256.1.1.1', '1.2.3.4.5', 'fe80::1%eth0', ':::', '1::2::3', 'abc']) expect(parseIP(bad), bad).to.equal(undefined);
  });

  it('formats addresses canonically', () => {
    expect(formatIP(0x0a600001n, 'IPv4')).to.equal('10.96.0.1');
    expect(formatIP(parseIP('2001:0db8:0:0:0:0:0:1')!.value, 'IPv6')).to.equal('2001:db8::1');
  });

  it('parses CIDRs to their network', () => {
    expect(parseCIDR('10.96.0.5/12')).to.deep.equal({ family: 'IPv4', network: 0x0a600000n, prefix: 12, bits: 32 });
    expect(parseCIDR('10.0.0.0/33')).to.equal(undefined);
    expect(parseCIDR('fd00::/108')?.family).to.equal('IPv6');
  });

  it('field errors carry upstream text', () => {
    expect(validateIP('spec.x', 'nope').map(fieldErrorString)).to.deep.equal(['spec.x: Invalid value: "nope": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']);
    expect(validateCIDR('spec.y', '10.0.0.0').map(fieldErrorString)).to.deep.equal(['spec.y: Invalid value: "10.0.0.0": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)']);
    expect(validateNonSpecialIP('ip', '127.0.0.1').map((e) => e.detail)).to.deep.equal(['may not be in the loopback range (127.0.0.0/8, ::1/128)']);
    expect(validateNonSpecialIP('ip', '169.254.1.1').map((e) => e.detail)).to.deep.equal(['may not be in the link-local range (169.254.0.0/16, fe80::/10)']);
    expect(validateNonSpecialIP('ip', '0.0.0.0').map((e) => e.detail)).to.deep.equal(['may not be unspecified (0.0.0.0)']);
    expect(validateNonSpecialIP('ip', '224.0.0.5').map((e) => e.detail)).to.deep.equal(['may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)']);
    expect(validateNonSpecialIP('ip', '10.1.2.3')).to.deep.equal([]);
  });
});

describe('validation/quantity', () => {
  const cases: Array<[unknown, number]> = [
    ['1', 1], ['100m', 0.1], ['1.5', 1.5], ['1Ki', 1024], ['1Gi', 2 ** 30], ['2k', 2000], ['1e3', 1000],
    ['500M', 5e8], ['-1', -1], ['+2', 2], ['.5', 0.5], [3, 3], ['0', 0], ['1E', 1e18],
  ];
  for (const [input, want] of cases) it(`${JSON.stringify(input)} = ${want}`, () => expect(parseQuantity(input)).to.be.closeTo(want, Math.abs(want) * 1e-12));
  it('rejects malformed quantities with upstream text', () => {
    for (const bad of ['', 'abc', '1.2.3', '1Gb', 'Mi', null]) {
      const r = parseQuantity(bad);
      expect(r, String(bad)).to.be.instanceOf(Error);
    }
    expect((parseQuantity('abc') as Error).message).to.equal(QUANTITY_FORMAT_ERROR);
    expect((parseQuantity('1Gb') as Error).message).to.equal("unable to parse quantity's suffix");
  });
});
