-- Posts a reply on every request, each with a text of its own so that none is refused as a duplicate, and
-- counts the redirects that answer an accepted post. FORM, COOKIE, ORIGIN and REFERER come from load.py.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = COOKIE
wrk.headers["Origin"] = ORIGIN
wrk.headers["Referer"] = REFERER

counted_threads = {}
setup = function(thread)
  table.insert(counted_threads, thread)
  thread:set("thread_number", #counted_threads)
end

local sent = 0
request = function()
  sent = sent + 1
  local text = "Reply+" .. thread_number .. "-" .. sent .. "+from+the+benchmark%2C+as+readers+write+them."
  return wrk.format(nil, nil, nil, FORM .. "&body=" .. text)
end

redirects = 0
response = function(status, headers, body)
  if status >= 300 and status < 400 then redirects = redirects + 1 end
end
