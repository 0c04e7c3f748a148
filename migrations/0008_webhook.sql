-- Webhook policies per project (Harbor's WebhookPolicy). A policy names the event types it wants
-- and the targets to notify; targets is an array of
-- {type "http"|"slack", address, auth_header, skip_cert_verify, payload_format "Default"|"CloudEvents"|""}.
-- Each delivery is an execution (vendor_type WEBHOOK, vendor_id = the policy's id) with one task,
-- run by the jobservice with retries; its log is the delivery log the API shows.
CREATE TABLE webhook_policy (
  id             serial PRIMARY KEY,
  project_id     integer NOT NULL REFERENCES project(id) ON DELETE CASCADE,
  name           text NOT NULL,
  description    text NOT NULL DEFAULT '',
  enabled        boolean NOT NULL DEFAULT true,
  event_types    text[] NOT NULL DEFAULT '{}',
  targets        jsonb NOT NULL DEFAULT '[]',
  creator        text NOT NULL DEFAULT '',
  creation_time  timestamptz NOT NULL DEFAULT now(),
  update_time    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT webhook_policy_project_name_key UNIQUE (project_id, name)
);

-- One delivery per event, policy and target, however often the event is read: a jobservice that
-- died after creating the deliveries but before acknowledging the event leaves it to be read again.
CREATE UNIQUE INDEX execution_webhook_delivery_idx ON execution (vendor_id, (parameters->>'event_id'), (parameters->>'target_index'))
  WHERE vendor_type = 'WEBHOOK' AND parameters ? 'event_id';

-- A removed policy takes its delivery history with it (directly or with its project).
CREATE FUNCTION webhook_policy_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM execution WHERE vendor_type = 'WEBHOOK' AND vendor_id = OLD.id;
  RETURN OLD;
END $$;

CREATE TRIGGER webhook_policy_removed AFTER DELETE ON webhook_policy
  FOR EACH ROW EXECUTE FUNCTION webhook_policy_removed();
