-- What the bot waits for from a patient is stored as JSON (domain::conversation::Awaiting),
-- no longer as prefixed strings. Existing states are converted; anything unrecognised is
-- dropped (the conversation starts afresh, as after a command).
UPDATE patients SET awaiting = CASE
    WHEN awaiting = 'invite-name'
        THEN json_object('kind', 'invite_name')
    WHEN substr(awaiting, 1, 5) = 'plan:'
         AND substr(awaiting, 6) IN ('warning_signs', 'coping', 'people', 'professionals',
                                     'safe_place', 'reasons')
        THEN json_object('kind', 'plan', 'part', substr(awaiting, 6))
    WHEN substr(awaiting, 1, 13) = 'invite-share:'
        THEN json_object('kind', 'invite_share', 'name', substr(awaiting, 14))
    WHEN substr(awaiting, 1, 13) = 'invite-use:w:'
        THEN json_object('kind', 'invite_use', 'name', substr(awaiting, 14), 'weekly', json('true'))
    WHEN substr(awaiting, 1, 13) = 'invite-use:a:'
        THEN json_object('kind', 'invite_use', 'name', substr(awaiting, 14), 'weekly', json('false'))
    WHEN substr(awaiting, 1, 10) = 'slot-time:' AND substr(awaiting, 11) GLOB '[0-9]*'
         AND substr(awaiting, 11) NOT GLOB '*[^0-9]*'
        THEN json_object('kind', 'slot_time', 'slot', CAST(substr(awaiting, 11) AS INTEGER))
    ELSE NULL
END
WHERE awaiting IS NOT NULL;
