-- From this version on, text that must read back exactly (a job's input, metadata, webhook, output
-- and error; the job object of an idempotency claim) is stored encoded, U+E000 being the escape
-- character: U+0000 is written as U+E000 '0' and U+E000 itself as U+E000 '1' (see StoredText). Rows
-- stored before hold U+E000 as it is; this writes it as U+E000 '1', so that they read back unchanged.
-- A database in another encoding than UTF8 cannot hold U+E000, so there is nothing to rewrite.
do $$
declare
    esc constant text := case when getdatabaseencoding() = 'UTF8' then chr(57344) end;
begin
    if esc is null then
        return;
    end if;
    update jobs set
        input = case when strpos(input::text, esc) > 0
                     then replace(input::text, esc, esc || '1')::jsonb else input end,
        webhook = case when strpos(webhook::text, esc) > 0
                       then replace(webhook::text, esc, esc || '1')::jsonb else webhook end,
        metadata = case when strpos(metadata::text, esc) > 0
                        then replace(metadata::text, esc, esc || '1')::jsonb else metadata end,
        output = case when strpos(output::text, esc) > 0
                      then replace(output::text, esc, esc || '1')::jsonb else output end,
        error_code = replace(error_code, esc, esc || '1'),
        error_message = replace(error_message, esc, esc || '1')
    where strpos(input::text, esc) > 0 or strpos(webhook::text, esc) > 0 or strpos(metadata::text, esc) > 0
       or strpos(output::text, esc) > 0 or strpos(error_code, esc) > 0 or strpos(error_message, esc) > 0;
    update job_results set
        output = case when strpos(output::text, esc) > 0
                      then replace(output::text, esc, esc || '1')::jsonb else output end,
        error_code = replace(error_code, esc, esc || '1'),
        error_message = replace(error_message, esc, esc || '1')
    where strpos(output::text, esc) > 0 or strpos(error_code, esc) > 0 or strpos(error_message, esc) > 0;
    update idempotency_keys set job = replace(job::text, esc, esc || '1')::jsonb
    where strpos(job::text, esc) > 0;
end $$;
