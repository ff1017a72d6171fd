-- Crisis help for the patient's own country, the two safety-plan steps that were missing, and
-- the harm-reduction message a patient may turn off.

-- ISO 3166 code of the country whose crisis line the patient is shown. Set from the time zone
-- (tz database) unless the patient chose it (`country_chosen` = 1, kept when the zone changes).
-- NULL: no country known (a UTC offset); the operator's crisis line is shown.
ALTER TABLE patients ADD COLUMN country TEXT CHECK (country IS NULL OR length(country) = 2);
ALTER TABLE patients ADD COLUMN country_chosen INTEGER NOT NULL DEFAULT 0 CHECK (country_chosen IN (0, 1));
-- 1 after "don't show this again" under the harm-reduction message that follows a reported use.
ALTER TABLE patients ADD COLUMN harm_reduction_off INTEGER NOT NULL DEFAULT 0 CHECK (harm_reduction_off IN (0, 1));

-- Stanley & Brown: reasons for living, and professionals or services to contact.
ALTER TABLE safety_plans ADD COLUMN reasons TEXT CHECK (length(reasons) <= 1000);
ALTER TABLE safety_plans ADD COLUMN professionals TEXT CHECK (length(professionals) <= 1000);
