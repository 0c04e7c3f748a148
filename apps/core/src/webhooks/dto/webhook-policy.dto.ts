import { ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsInt, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';

/** Harbor's WebhookTargetObject. What the values may be is checked by webhook-policy-input. */
@ApiSchema({ name: 'WebhookTargetObject' })
export class WebhookTargetDto {
  @ApiPropertyOptional({ enum: ['http', 'slack'], description: 'required' })
  @IsOptional()
  @IsString()
  type?: string;

  @ApiPropertyOptional({ example: 'https://ci.example.com/hooks/harbor', description: 'required: an http or https URL' })
  @IsOptional()
  @IsString()
  address?: string;

  @ApiPropertyOptional({ description: 'sent as the Authorization header (http targets)' })
  @IsOptional()
  @IsString()
  auth_header?: string;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  skip_cert_verify?: boolean;

  @ApiPropertyOptional({ enum: ['Default', 'CloudEvents'], description: 'http targets only; Default when empty' })
  @IsOptional()
  @IsString()
  payload_format?: string;
}

/**
 * Harbor's WebhookPolicy, for POST and PUT. Clients send back what GET returned, so the read-only
 * fields are accepted: id and project_id must agree with the path, the others are ignored.
 */
@ApiSchema({ name: 'WebhookPolicy' })
export class WebhookPolicyDto {
  @ApiPropertyOptional({ readOnly: true })
  @IsOptional()
  @IsInt()
  id?: number;

  @ApiPropertyOptional({ description: 'required on create; unique in the project' })
  @IsOptional()
  @IsString()
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  description?: string;

  @ApiPropertyOptional({ description: 'must be the project of the path when given' })
  @IsOptional()
  @IsInt()
  project_id?: number;

  @ApiPropertyOptional({ type: [WebhookTargetDto], description: 'required on create' })
  @IsOptional()
  @IsArray({ message: 'targets must be an array of targets' })
  @IsObject({ each: true, message: 'each of targets must be an object' })
  @ValidateNested({ each: true })
  @Type(() => WebhookTargetDto)
  targets?: WebhookTargetDto[];

  @ApiPropertyOptional({ type: [String], example: ['PUSH_ARTIFACT'], description: 'required on create' })
  @IsOptional()
  @IsArray({ message: 'event_types must be an array of event types' })
  @IsString({ each: true, message: 'each of event_types must be a string' })
  event_types?: string[];

  @ApiPropertyOptional({ readOnly: true })
  @IsOptional()
  @IsString()
  creator?: string;

  @ApiPropertyOptional({ readOnly: true, format: 'date-time' })
  @IsOptional()
  @IsString()
  creation_time?: string;

  @ApiPropertyOptional({ readOnly: true, format: 'date-time' })
  @IsOptional()
  @IsString()
  update_time?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}
