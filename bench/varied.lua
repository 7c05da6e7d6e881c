-- Worker searches that are not all the same: phrases officers type (accents left off, as most
-- do), each alone and within one of the districts named in KETNOI_DISTRICTS (comma-separated),
-- on the first five pages. Each wrk thread walks the list from its own place, so few requests
-- repeat one another within a run of seconds. The end of run is reported as report.lua does,
-- with the number of distinct searches. Run from the repository's root (bench/http.sh does).
dofile("bench/report.lua")

local phrases = {
  "dong goi san pham", "lam viec theo ca", "cong nhan san xuat", "van hanh may may",
  "may cong nghiep", "may hoan thien ao so mi", "lap rap linh kien dien tu", "han thiec",
  "kiem tra ngoai quan", "may trang phuc dan toc", "det tho cam", "theu tay",
  "che bien thuc pham", "lao dong pho thong trong trot", "phu ho", "lao dong xay dung",
  "lai xe hang b2", "dien dan dung", "lap dat duong day dien", "giao hang", "trong ca phe",
  "trong xoai nhan man hau", "cham soc che", "tu van khach hang", "ban hang", "thu ngan",
  "xay trat", "trong ngo", "chan nuoi bo", "phan bon huu co", "tho ne", "trong rau an toan",
  "phong benh cho gia suc", "boc xep hang hoa", "chan nuoi lon", "doc ban ve", "tieng han",
  "tieng dan toc", "cong nhan", "may",
}
local paths = {}
local districts = { "" }
for code in string.gmatch(os.getenv("KETNOI_DISTRICTS") or "", "[^,]+") do
  districts[#districts + 1] = "&district=" .. code
end
for page = 0, 4 do
  for _, district in ipairs(districts) do
    for _, phrase in ipairs(phrases) do
      paths[#paths + 1] = "/api/v1/search?kind=workers&q=" .. phrase:gsub(" ", "%%20")
        .. district .. "&offset=" .. (page * 20)
    end
  end
end

local threads = 0
function setup(thread)
  thread:set("start", threads * 7919)
  threads = threads + 1
end

local at = nil
function request()
  at = ((at or start) % #paths) + 1
  return wrk.format(nil, paths[at])
end

done = function(summary, latency, requests)
  io.write(report_line(summary, latency, string.format('"distinct_searches": %d', #paths)))
end
