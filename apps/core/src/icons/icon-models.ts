import { type Models, object, str } from '../openapi/schema';

export const ICON_MODELS: Models = {
  Icon: object({ 'content-type': str, content: { type: 'string', description: 'base64' } }),
};
