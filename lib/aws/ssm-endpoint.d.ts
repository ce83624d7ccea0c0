// The SSM client's endpoint resolver (./ssm), imported from its module: the package has no
// exports map, and its declarations sit in dist-types beside dist-es.
declare module '@aws-sdk/client-ssm/dist-es/endpoint/endpointResolver' {
  export { defaultEndpointResolver } from '@aws-sdk/client-ssm/dist-types/endpoint/endpointResolver';
}
