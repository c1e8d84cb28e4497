'use strict'
// Argument conversion shared by the wrappers: bodies, headers, times.

/** A body as bytes: Buffer/Uint8Array as is (never copied), a string as UTF-8. */
function toBytes(body, what) {
  if (body instanceof Uint8Array) return body
  if (typeof body === 'string') return Buffer.from(body, 'utf8')
  if (body instanceof ArrayBuffer) return new Uint8Array(body)
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength)
  if (body !== null && typeof body === 'object') {
    throw new TypeError(
      `${what} must be the raw body (Buffer, Uint8Array or string), got a parsed object: ` +
        'a JSON body parser (e.g. express.json()) already consumed it; mount express.raw({ type: "*/*" }) ' +
        'on the webhook route instead, and verify the bytes as received',
    )
  }
  throw new TypeError(`${what} must be a Buffer, Uint8Array or string, got ${typeOfValue(body)}`)
}

function typeOfValue(v) {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v
}

/** Unix seconds: `now` as given (an integer, or a Date), else the clock. */
function toUnixSeconds(now, what = 'now') {
  if (now === undefined || now === null) return Math.floor(Date.now() / 1000)
  if (now instanceof Date) {
    const t = now.getTime()
    if (Number.isNaN(t)) throw new TypeError(`${what} is an invalid Date`)
    return Math.floor(t / 1000)
  }
  if (typeof now === 'number' && Number.isSafeInteger(now)) return now
  if (typeof now === 'bigint') return Number(now)
  throw new TypeError(`${what} must be an integer of Unix seconds or a Date, got ${typeOfValue(now)}`)
}

function pushValue(out, name, value) {
  if (typeof value === 'string') {
    out.push(name, value)
  } else if (Array.isArray(value)) {
    for (const v of value) {
      if (typeof v !== 'string') throw new TypeError(`header ${name}: values must be strings`)
      out.push(name, v)
    }
  } else if (typeof value === 'number') {
    out.push(name, String(value))
  } else if (value !== undefined && value !== null) {
    throw new TypeError(`header ${name}: value must be a string, got ${typeOfValue(value)}`)
  }
}

/**
 * The headers named in `names` (lower-case, from paycore), as a flat
 * `[name, value, ...]` array. Only those are read: a fetch `Headers` (or any
 * object with `get`) through `get`; a plain object (Node's `req.headers`, a
 * Record) by its keys, case-insensitively; an array of `[name, value]` pairs.
 * `lengths` is a Set of the lengths of `names`, to skip other keys cheaply.
 */
function pickHeaders(headers, names, lengths) {
  const out = []
  if (headers === null || typeof headers !== 'object') {
    throw new TypeError(`headers must be an object, a Headers or an array of pairs, got ${typeOfValue(headers)}`)
  }
  if (Array.isArray(headers)) {
    for (const pair of headers) {
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string') {
        throw new TypeError('headers: an array must hold [name, value] pairs')
      }
      const lower = pair[0].toLowerCase()
      if (names.includes(lower)) pushValue(out, lower, pair[1])
    }
    return out
  }
  if (typeof headers.get === 'function' && typeof headers.has === 'function') {
    for (const name of names) {
      const v = headers.get(name)
      if (v !== null && v !== undefined) pushValue(out, name, v)
    }
    return out
  }
  for (const key in headers) {
    if (!lengths.has(key.length) || !Object.prototype.hasOwnProperty.call(headers, key)) continue
    const lower = key.toLowerCase()
    if (names.includes(lower)) pushValue(out, lower, headers[key])
  }
  return out
}

/**
 * The fast path of `pickHeaders`, for `verifyWebhookJoined`: the value of
 * each of `names` (lower case; `index` maps each to its position) in order,
 * joined by NUL characters into `out.text`, with bit `i` of `out.present`
 * set when names[i] has a value. Returns false (the caller then takes
 * `pickHeaders`) for a header with several values, a value that is not a
 * string or holds a NUL, or an unusual container.
 */
function pickJoined(headers, names, index, lengths, out) {
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) return false
  const n = names.length
  const values = out.values
  for (let i = 0; i < n; i++) values[i] = undefined
  if (typeof headers.get === 'function' && typeof headers.has === 'function') {
    for (let i = 0; i < n; i++) {
      const v = headers.get(names[i])
      if (typeof v === 'string') values[i] = v
      else if (v !== null && v !== undefined) return false
    }
  } else {
    for (const key in headers) {
      let i = index.get(key)
      if (i === undefined) {
        if (!lengths.has(key.length)) continue
        i = index.get(key.toLowerCase())
        if (i === undefined) continue
      }
      if (!Object.prototype.hasOwnProperty.call(headers, key)) continue
      const v = headers[key]
      if (values[i] !== undefined || typeof v !== 'string') {
        if (v === undefined || v === null) continue
        return false
      }
      values[i] = v
    }
  }
  let present = 0
  let text = ''
  for (let i = 0; i < n; i++) {
    if (i > 0) text += '\0'
    const v = values[i]
    if (v !== undefined) {
      if (v.indexOf('\0') !== -1) return false
      present |= 1 << i
      text += v
    }
  }
  out.present = present
  out.text = text
  return true
}

/** All headers of an object, Headers or pair array, as `[name, value, ...]`. */
function allHeaders(headers) {
  const out = []
  if (headers === undefined || headers === null) return out
  if (typeof headers !== 'object') throw new TypeError(`headers must be an object, got ${typeOfValue(headers)}`)
  if (Array.isArray(headers)) {
    for (const pair of headers) {
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string') {
        throw new TypeError('headers: an array must hold [name, value] pairs')
      }
      pushValue(out, pair[0], pair[1])
    }
  } else if (typeof headers.forEach === 'function' && typeof headers.get === 'function') {
    headers.forEach((v, k) => pushValue(out, k, v))
  } else {
    for (const key of Object.keys(headers)) pushValue(out, key, headers[key])
  }
  return out
}

/** `[name, value, ...]` to an object. */
function pairsToObject(flat) {
  const out = {}
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]] = flat[i + 1]
  return out
}

module.exports = { toBytes, toUnixSeconds, pickHeaders, pickJoined, allHeaders, pairsToObject, typeOfValue }
