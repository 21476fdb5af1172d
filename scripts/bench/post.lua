-- Posts a reply on every request, each with a text of its own so that none is refused as a duplicate.
-- FORM, COOKIE, ORIGIN and REFERER are filled in by scripts/bench/load.py.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = COOKIE
wrk.headers["Origin"] = ORIGIN
wrk.headers["Referer"] = REFERER

local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

local sent = 0
request = function()
  sent = sent + 1
  local text = "Reply+" .. thread_number .. "-" .. sent .. "+from+the+benchmark%2C+as+readers+write+them."
  return wrk.format(nil, nil, nil, FORM .. "&body=" .. text)
end
