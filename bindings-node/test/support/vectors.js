'use strict'
const fs = require('node:fs')
const path = require('node:path')

const VECTORS = path.join(__dirname, '..', '..', '..', 'vectors')

function load(file) {
  return JSON.parse(fs.readFileSync(path.join(VECTORS, file), 'utf8'))
}

/** The raw body of a case: payload_b64, else payload as UTF-8 (as paycore/tests/common). */
function bodyBytes(c) {
  if (typeof c.payload_b64 === 'string') return Buffer.from(c.payload_b64, 'base64')
  return Buffer.from(typeof c.payload === 'string' ? c.payload : '', 'utf8')
}

/** A JSON object of headers as [name, value] pairs; non-strings become ''. */
function headerPairs(obj) {
  if (obj === null || typeof obj !== 'object') return []
  return Object.entries(obj).map(([k, v]) => [k, typeof v === 'string' ? v : ''])
}

module.exports = { load, bodyBytes, headerPairs, VECTORS }
