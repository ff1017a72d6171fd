-- Issue 11: a queued message is rendered again at send time if its recipient changed language
-- meanwhile. `render` is what to render (JSON, `telegram::render::Render`), `lang` the language
-- `text` and `keyboard` were rendered in. Rows without `render` are sent as stored.
ALTER TABLE outbox ADD COLUMN lang TEXT;
ALTER TABLE outbox ADD COLUMN render TEXT;
